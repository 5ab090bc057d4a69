namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// Flex Consumption's always-ready instances per scale group ("http", "blob", "durable" or "function:&lt;name&gt;").
/// The default deployment has none: "The default is 0 (zero)."
/// https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs (billing table): "When you have any
/// always ready instances enabled, you're billed for: • The total amount of memory provisioned across all of your always
/// ready instances, known as the baseline (in GB-seconds). • The total amount of memory provisioned during the time each
/// always ready instance is actively executing functions (in GB-seconds). • The total number of executions. In always
/// ready billing, there are no free grants."
/// </summary>
public sealed record AlwaysReady(IReadOnlyDictionary<string, int> InstancesPerGroup)
{
    public static AlwaysReady None { get; } = new(new Dictionary<string, int>());

    public int Instances => InstancesPerGroup.Values.Sum();

    public static AlwaysReady In(string group, int instances) => new(new Dictionary<string, int> { [group] = instances });

    /// <summary>
    /// Which recorded instances the always-ready ones are: in each group, the first N instances to run anything. The
    /// platform routes to always-ready instances first and scales beyond them on demand; the recording cannot tell
    /// which of its instances Azure would have kept ready, so the earliest stand in for them.
    /// </summary>
    public IReadOnlySet<BillingInstance> InstancesAmong(IEnumerable<Invocation> invocations) =>
        invocations.GroupBy(ScaleGroups.InstanceOf)
            .Select(instance => (instance.Key, First: instance.Min(i => i.Start)))
            .GroupBy(instance => instance.Key.Group)
            .SelectMany(group => group.OrderBy(i => i.First).Take(InstancesPerGroup.GetValueOrDefault(group.Key)))
            .Select(instance => instance.Key)
            .ToHashSet();

    public override string ToString() =>
        Instances == 0
            ? "no always-ready instances"
            : string.Join(", ", InstancesPerGroup.Where(g => g.Value > 0).Select(g => $"{g.Value} always ready in {g.Key}"));
}
