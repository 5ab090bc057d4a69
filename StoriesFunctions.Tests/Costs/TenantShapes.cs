namespace StoriesFunctions.Tests.Costs;

public enum GoalBasis
{
    /// <summary>All in, per month, after free grants: the month's whole bill, idle items included.</summary>
    Month,

    /// <summary>For the whole run, once: what it adds to the bill of the month it falls in.</summary>
    Once,
}

/// <summary>A tenant's traffic, its goal (issue 18), and what its floor is computed from.</summary>
/// <param name="EventsPerWebhookCall">Events in each request Segment sends; 0 when the events are already queued (a replay).</param>
public sealed record TenantShape(string Name, string Traffic, decimal Events, decimal EventsPerWebhookCall, decimal GoalUsd, GoalBasis Basis)
{
    public decimal WebhookCalls => EventsPerWebhookCall == 0 ? 0 : Events / EventsPerWebhookCall;

    public string Goal => Basis switch
    {
        GoalBasis.Month => $"≤ {Figures.Usd(GoalUsd)} a month, all in, after free grants",
        GoalBasis.Once => $"≤ {Figures.Usd(GoalUsd)} for the whole run: what it adds to its month's bill",
    };
}

public static class TenantShapes
{
    public const string Idle = "idle";

    public static IReadOnlyList<TenantShape> All { get; } =
    [
        new(Idle, "deployed, no events", 0, 0, 1.00m, GoalBasis.Month),
        new("classic", "1,000,000 single-event webhook calls a month, Poisson arrivals", 1_000_000, 1, 3.00m, GoalBasis.Month),
        new("batched", "1,000,000 events a month in Segment Actions batches of 100", 1_000_000, 100, 1.00m, GoalBasis.Month),
        new("replay", "a 500,000-event backlog drained at Stories' 300 calls a minute, once", 500_000, 0, 0.50m, GoalBasis.Once),
    ];

    public static TenantShape? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
