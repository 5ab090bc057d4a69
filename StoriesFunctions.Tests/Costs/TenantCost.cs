namespace StoriesFunctions.Tests.Costs;

/// <summary>A tenant's bill on one deployment: the month's, and what is charged against the tenant's goal.</summary>
/// <param name="Without">For a run billed once: the same month without it (the idle month).</param>
public sealed record TenantBill(Recording Recording, TenantShape? Shape, Deployment Deployment, MonthlyBill Month, MonthlyBill? Without,
    decimal Charged, IReadOnlyList<string> Notes)
{
    public bool? Met => Shape is null ? null : Charged <= Shape.GoalUsd;
}

/// <summary>A month's usage in two parts: the fixed items (the idle month) and the traffic's own.</summary>
public sealed record MonthParts(Usage Fixed, Usage Traffic, string? Note);

/// <summary>
/// Puts a month together: the idle recording scaled to a month (the fixed items), plus the traffic recording, net of its
/// own idle share (<see cref="IdleShare"/>), scaled by its factor. One bill for the sum, so the free grants go once.
/// </summary>
public static class TenantCost
{
    public static MonthParts Parts(Recording recording, Recording? idle, Deployment deployment)
    {
        if (recording.Tenant == TenantShapes.Idle)
        {
            return new MonthParts(FixedMonth(recording, deployment), Usage.Zero, null);
        }

        return idle is null
            ? new MonthParts(Usage.Zero, recording.ScaledUsageOn(deployment),
                "No idle recording: the fixed items are the alert rules alone, and this recording's own timers and polls scale with its traffic.")
            : new MonthParts(FixedMonth(idle, deployment), IdleShare.NetOf(recording, idle).ScaledUsageOn(deployment), null);
    }

    /// <summary>The deployment's month with no events: the idle recording scaled to a month, polled at the deployment's interval.
    /// Its queue operations, nearly all empty polls, are taken at the deployment's interval instead of the recorded one.</summary>
    public static Usage FixedMonth(Recording idle, Deployment deployment)
    {
        var month = idle.ScaledUsageOn(deployment);
        return month with
        {
            Storage = month.Storage with { QueueClass2 = month.Storage.QueueClass2 * Deployment.RecordedQueuePolling.Ticks / deployment.QueuePolling.Ticks },
        };
    }

    public static TenantBill Of(Recording recording, Recording? idle, Deployment deployment, Prices prices)
    {
        var shape = TenantShapes.Find(recording.Tenant);
        var (fixedItems, traffic, note) = Parts(recording, idle, deployment);
        string? polling = deployment.QueuePolling == Deployment.RecordedQueuePolling ? null
            : $"The fixed month's queue operations, recorded with empty queues polled every {Deployment.RecordedQueuePolling.TotalSeconds:0} s (func start runs in Development), "
                + $"are scaled to the deployment's {deployment.QueuePolling.TotalSeconds:0} s.";
        string[] notes = [.. new[] { note, polling }.OfType<string>()];
        var month = MonthlyBill.For(fixedItems + traffic, deployment, prices);
        if (shape?.Basis == GoalBasis.Once)
        {
            var without = MonthlyBill.For(fixedItems, deployment, prices);
            return new TenantBill(recording, shape, deployment, month, without, month.Total - without.Total, notes);
        }

        return new TenantBill(recording, shape, deployment, month, null, month.Total, notes);
    }
}
