using StoriesFunctions.Tests.Infra;
using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class CostReportTests
{
    private static string RecordingsFolder => Path.Combine(RepositoryLayout.Root, "docs", "costs", "recordings");

    private static string ReportFile => Path.Combine(RepositoryLayout.Root, "docs", "costs", "report.md");

    /// <summary>
    /// The report itself: every committed recording billed on the default deployment. docs/costs/report.md must be
    /// exactly this output, so the bill in the docs is the model's, for the recordings committed beside it. After a
    /// new recording or a change to the model, write it again with <c>COST_REPORT_WRITE=1</c> and commit both.
    /// </summary>
    [Test]
    [Category("CostReport")]
    public void Report_CommittedRecordings_IsTheCommittedReport()
    {
        var files = Directory.Exists(RecordingsFolder) ? Directory.GetFiles(RecordingsFolder, "*.json").Order().ToList() : [];
        var recordings = files.Select(f => (Path.GetFileName(f), RecordingJson.Load(f))).ToList();

        string report = CostReport.Render(recordings, Prices.ListUsd2025);

        TestContext.Out.WriteLine(report);
        if (Environment.GetEnvironmentVariable("COST_REPORT_WRITE") == "1")
        {
            File.WriteAllText(ReportFile, report);
        }

        Assert.Multiple(() =>
        {
            Assert.That(recordings.Select(r => r.Item2.Tenant), Is.SubsetOf(TenantShapes.All.Select(t => t.Name)));
            Assert.That(report, recordings.Count == 0 ? Does.Contain("no recordings") : Does.Contain("| **Total**"));
            Assert.That(File.Exists(ReportFile) ? File.ReadAllText(ReportFile) : "(no docs/costs/report.md)", Is.EqualTo(report),
                "docs/costs/report.md is not the model's output for the committed recordings: run this test with COST_REPORT_WRITE=1 and commit the file");
        });
    }

    [Test]
    public void Render_TrafficAndIdle_WritesEachLineTheGoalAndTheFloor()
    {
        var idle = Recording(TenantShapes.Idle) with { Scale = BillingMonth.Hours, Invocations = [Timer(0, 50)] };
        var classic = Recording("classic") with { Scale = 10_000, Events = 100, Invocations = [Http(0, 10), Queue(20, 90)] };

        var report = CostReport.Render([("idle.json", idle), ("classic.json", classic)], Prices.ListUsd2025);

        Assert.That(report, Does.Contain("| On-demand execution time | 20,730 periods × 1.0 s × 2 GB = 41,460 GB-s − 100,000 free = 0 × $0.000026 = $0.00 |")
            .And.Contain("| Goal | ≤ $3.00 a month, all in, after free grants | **met** |")
            .And.Contain("| Floor | 3,650 timer executions a month"));
    }
}
