using System.Text;

namespace StoriesFunctions.Tests.Costs;

/// <summary>The markdown report of every committed recording: each tenant's bill line by line, against its goal and floor.</summary>
public static class CostReport
{
    public static string Render(IReadOnlyList<(string File, Recording Recording)> recordings, Prices prices)
    {
        var report = new StringBuilder();
        report.AppendLine($"# What a tenant really pays ({prices.AsOf})").AppendLine();
        if (recordings.Count == 0)
        {
            return report.AppendLine("There are no recordings under docs/costs/recordings/ yet: no recordings to bill.").ToString();
        }

        var idle = recordings.FirstOrDefault(r => r.Recording.Tenant == TenantShapes.Idle);
        if (idle.Recording is not null)
        {
            report.AppendLine($"Fixed (idle) items come from {idle.File}.").AppendLine();
        }

        foreach (var (file, recording) in recordings.OrderBy(r => r.Recording.Tenant != TenantShapes.Idle))
        {
            Tenant(report, file, recording, idle.Recording, prices);
        }

        return report.ToString();
    }

    private static void Tenant(StringBuilder report, string file, Recording recording, Recording? idle, Prices prices)
    {
        var bill = TenantCost.Of(recording, idle, Deployment.Default, prices);
        report.AppendLine($"## {recording.Tenant}: {bill.Shape?.Traffic ?? "(no such tenant shape)"}").AppendLine()
            .AppendLine($"{file}: {recording.Description} {Figures.Quantity(recording.Events)} events and " +
                $"{Figures.Quantity(recording.Invocations.Count)} invocations over {recording.Span}, × {Figures.Quantity(recording.Scale)} " +
                $"to a month. Time: {recording.Compression}").AppendLine()
            .AppendLine($"Deployment: {bill.Deployment}.").AppendLine();
        foreach (var note in bill.Notes)
        {
            report.AppendLine($"> {note}").AppendLine();
        }

        report.AppendLine("| Line | Arithmetic | $ |").AppendLine("|---|---|---|");
        foreach (var line in bill.Month.Lines)
        {
            report.AppendLine($"| {line.Item} | {line.Arithmetic} | {Figures.Usd(line.Usd)} |");
        }

        report.AppendLine($"| **Total** | before free grants {Figures.Usd(bill.Month.TotalBeforeGrants)} | **{Figures.Usd(bill.Month.Total)}** |");
        if (bill.Without is { } without)
        {
            report.AppendLine($"| − the month without it | | {Figures.Usd(without.Total)} |")
                .AppendLine($"| **Charged to the run** | | **{Figures.Usd(bill.Charged)}** |");
        }

        if (bill.Shape is { } shape)
        {
            // Beside traffic, the deployment's month with no events as recorded; idle's own floor is what scaling to zero leaves.
            var fixedMonth = idle is null || recording.Tenant == TenantShapes.Idle ? null : TenantCost.FixedMonth(idle, Deployment.Default);
            var floor = CostFloor.Of(shape, Deployment.Default, prices, FloorAssumptions.Measured, fixedMonth);
            report.AppendLine($"| Goal | {shape.Goal} | **{(bill.Met == true ? "met" : "missed")}** |")
                .AppendLine($"| Floor | {string.Join("; ", floor.Steps)} | {Figures.Usd(floor.Usd)} |");
        }

        report.AppendLine().AppendLine($"Other deployments: {string.Join("; ", OtherDeployments(recording, idle, prices))}.").AppendLine();
    }

    private static IEnumerable<string> OtherDeployments(Recording recording, Recording? idle, Prices prices) =>
        new[]
        {
            Deployment.Default with { InstanceMemoryMB = 512 }, Deployment.Default with { InstanceMemoryMB = 4096 }, Deployment.WindowsConsumption,
            Deployment.Default with { QueuePolling = Deployment.RecordedQueuePolling },
        }
            .Select(d => $"{d}: {Figures.Usd(TenantCost.Of(recording, idle, d, prices).Charged)}");
}
