namespace StoriesFunctions.Tests.Costs;

public enum HostingPlan
{
    FlexConsumption,

    /// <summary>The Consumption plan on Windows (SKU Y1), billed per execution; for comparison.</summary>
    WindowsConsumption,
}

/// <summary>What the deployment fixes, whatever the traffic: the plan, the instance size, always-ready instances, alerts.</summary>
/// <param name="InstanceMemoryMB">Flex Consumption's `instanceMemoryMB`. Consumption bills the process's measured memory
/// instead (the recording's peak), so it ignores this.</param>
public sealed record Deployment(HostingPlan Plan, int InstanceMemoryMB, AlwaysReady AlwaysReady, IReadOnlyList<AlertRule> Alerts)
{
    /// <summary>
    /// The longest wait between polls of an empty queue that every recording was made with: 2 s, as <c>func start</c>
    /// runs in Development, where the queue extension turns host.json's one minute (its own default) into 2 s.
    /// </summary>
    public static readonly TimeSpan RecordedQueuePolling = TimeSpan.FromSeconds(2);

    /// <summary>host.json's <c>maxPollingInterval</c>, which Azure applies: one minute.</summary>
    public static readonly TimeSpan HostJsonQueuePolling = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest wait between polls of an empty queue (host.json's, or infra's <c>queuePollingInterval</c>). The fixed
    /// month's queue operations, nearly all empty polls once the listener has backed off, scale by recorded ÷ this.
    /// </summary>
    public TimeSpan QueuePolling { get; init; } = HostJsonQueuePolling;

    /// <summary>As infra/ deploys it: Flex Consumption, `instanceMemoryMB` 2048 (main.bicep's default), no always-ready.</summary>
    public static Deployment Default { get; } = new(HostingPlan.FlexConsumption, 2048, AlwaysReady.None, DeployedAlerts.Rules);

    public static Deployment WindowsConsumption { get; } = Default with { Plan = HostingPlan.WindowsConsumption, InstanceMemoryMB = 0 };

    public override string ToString() => Plan switch
    {
        HostingPlan.FlexConsumption => $"Flex Consumption, {InstanceMemoryMB} MB instances, {AlwaysReady}{Polling}",
        HostingPlan.WindowsConsumption => $"Consumption (Windows, Y1), billed at each recording's peak memory{Polling}",
    };

    private string Polling => $", empty queues polled at most every {QueuePolling.TotalSeconds:0} s";
}
