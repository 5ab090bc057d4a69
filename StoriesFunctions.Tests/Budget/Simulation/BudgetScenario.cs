using StoriesFunctions.DeadLetters;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Budget.Simulation;

/// <summary>
/// One simulated deployment: <see cref="Instances"/> hosts with the Functions defaults (batchSize 16, newBatchThreshold 8,
/// polling backing off from 100 ms to 2 s, clocks up to 25 ms off), a backlog of <see cref="Events"/> events already queued, some in batched
/// messages and some identifies costing two calls, then <see cref="TrickleEvents"/> more arriving one by one while it
/// drains, and a Stories that throttles like Laravel.
/// </summary>
internal sealed record BudgetScenario(
    string Name,
    int Instances,
    int Limit,
    TimeSpan Window,
    int Events,
    bool SetRateLimit = true,
    double BatchedShare = 0.5,
    int EventsPerBatchedMessage = 38,
    double IdentifyShare = 0.2,
    int MaxAttempts = 10,
    int TrickleEvents = 0,
    double TrickleEventsPerSecond = 1)
{
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan StoriesLatency { get; init; } = TimeSpan.FromMilliseconds(80);

    public override string ToString() => Name;
}

/// <summary>What a simulated run came to, in the terms.</summary>
internal sealed record BudgetOutcome(
    BudgetScenario Scenario,
    int Events,
    int Delivered,
    int DeadLetters,
    long Calls,
    long Refused,
    TimeSpan Drain,
    TimeSpan Ideal,
    long BudgetWaits,
    long QueueWrites,
    long StorageOperations,
    int MostAttemptsUsed,
    InvocationTime Invocations)
{
    public double RefusedShare => Calls == 0 ? 0 : (double)Refused / Calls;

    public double DrainRatio => Drain / Ideal;

    public string Line() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"| {Scenario.Name} | {Scenario.Instances} | {Events:N0} | {Calls:N0} | {Refused} ({RefusedShare:P2}) | {Drain.TotalSeconds:N0} s / {Ideal.TotalSeconds:N0} s = {DrainRatio:0.000}× | {DeadLetters} | {MostAttemptsUsed} | {(double)BudgetWaits / Events:0.00} | {(double)StorageOperations / Calls:0.00} | {Invocations.Billed.TotalSeconds:N0} s |");

    public const string Header =
        "| scenario | instances | events | calls | 429 answers | drain / ideal | dead letters | most attempts used | budget waits per event | table ops per call | instance time billed |\n" +
        "|---|---|---|---|---|---|---|---|---|---|---|";
}
