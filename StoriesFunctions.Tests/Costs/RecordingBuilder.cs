namespace StoriesFunctions.Tests.Costs;

/// <summary>Invocations and recordings for tests, with valid defaults: times in milliseconds from <see cref="T0"/>.</summary>
internal static class RecordingBuilder
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static Recording Recording(string tenant = "classic", TimeSpan? span = null) =>
        new(tenant, "A test recording.", "Real time.", T0, T0 + (span ?? TimeSpan.FromHours(1)), 1, 0, [], StorageOperations.None, 0, 400);

    public static Invocation Http(double startMs, double durationMs, string instance = "i1", string function = "SegmentWebhook") =>
        At(function, Trigger.Http, instance, startMs, durationMs);

    public static Invocation Queue(double startMs, double durationMs, string instance = "i1", string function = "DeliverEvents") =>
        At(function, Trigger.Queue, instance, startMs, durationMs);

    public static Invocation Timer(double startMs, double durationMs, string instance = "i1", string function = "Backlog") =>
        At(function, Trigger.Timer, instance, startMs, durationMs);

    public static Invocation At(string function, Trigger trigger, string instance, double startMs, double durationMs) =>
        new(function, trigger, instance, T0.AddMilliseconds(startMs), TimeSpan.FromMilliseconds(durationMs));

    /// <summary>A deployment that bills only what usage meters: no alert rules.</summary>
    public static Deployment Flex(int memoryMB = 2048) => Deployment.Default with { InstanceMemoryMB = memoryMB, Alerts = [] };

    public static Usage OnDemand(decimal periods, decimal billableSeconds, decimal gbSeconds, decimal executions) =>
        Usage.Zero with { OnDemand = new Metered(periods, billableSeconds, gbSeconds, executions) };
}
