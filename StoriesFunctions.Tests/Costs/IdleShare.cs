namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// Keeps a traffic recording's own idle share from being counted twice. A month's bill is the idle recording scaled to
/// a month (timers, empty polls, the instance's own telemetry: what the deployment costs with no events) plus the traffic
/// recording scaled to the month's traffic. The traffic recording contains its own idle share over its span, which the
/// idle month already counts; scaled by the traffic's factor it would be counted again, many times over. So before
/// scaling, the traffic recording loses:
/// <list type="bullet">
/// <item>its timer invocations: timers fire on schedule whatever the traffic, and each runs in a scale group of its own,
/// so removing them changes no other function's periods;</item>
/// <item>the idle recording's storage operations and telemetry bytes pro rata to the traffic's span (never below zero
/// in any class): empty polls and the instance's own metrics run on whether events come or not.</item>
/// </list>
/// Everything else a traffic recording holds is caused by its events, and scales with them.
/// </summary>
public static class IdleShare
{
    public static Recording NetOf(Recording traffic, Recording idle)
    {
        var share = idle.Span > TimeSpan.Zero ? (decimal)traffic.Span.Ticks / idle.Span.Ticks : 0m;
        return traffic with
        {
            Invocations = [.. traffic.Invocations.Where(i => i.Trigger != Trigger.Timer)],
            Storage = traffic.Storage.Less(idle.Storage.Scaled(share)),
            TelemetryBytes = Math.Max(0, traffic.TelemetryBytes - (long)Math.Round(idle.TelemetryBytes * share)),
        };
    }
}
