namespace StoriesFunctions.Budget;

/// <summary>
/// The deployment's one budget for Stories calls, as kept in one table row that every instance reads and writes with
/// ETag concurrency. Time is cut into slots <see cref="BudgetRate.Interval"/> apart: <see cref="NextSlot"/> is the first
/// free one (GCRA's "theoretical arrival time"), <see cref="ScheduledUntil"/> the end of the slots already promised to
/// messages waiting in the queue, <see cref="PausedUntil"/> the end of a pause Stories asked for with a 429.
/// <see cref="PlannedInterval"/> is the slot spacing those were planned at (zero until the first plan), so that a
/// change of limit re-plans them (<see cref="BudgetLedger.Replan"/>).
/// </summary>
public sealed record BudgetState(
    int? LearnedLimit,
    DateTimeOffset NextSlot,
    DateTimeOffset ScheduledUntil,
    DateTimeOffset PausedUntil,
    BacklogMarks Marks,
    TimeSpan PlannedInterval = default)
{
    public static readonly BudgetState Empty = new(null, DateTimeOffset.MinValue, DateTimeOffset.MinValue, DateTimeOffset.MinValue, BacklogMarks.None);

    /// <summary>When the last slot promised so far will have gone: now, if nothing waits.</summary>
    public DateTimeOffset DrainedAt(DateTimeOffset now)
    {
        var end = NextSlot > ScheduledUntil ? NextSlot : ScheduledUntil;
        return end > now ? end : now;
    }
}

/// <summary>
/// The pace that holds the deployment under Stories' limit: <see cref="Pace"/> of <c>limit ÷ window</c>, one call per
/// <see cref="Interval"/>. Evenly spaced calls keep any window, wherever it starts, under the limit, so Laravel's fixed
/// window (which starts at the first call after the last one ended) never sees more than the limit.
/// </summary>
public sealed record BudgetRate(int Limit, TimeSpan Window, string Source)
{
    /// <summary>The share of the limit we use: the rest absorbs calls that arrive late or bunched by the network.</summary>
    public const double Pace = 0.95;

    public TimeSpan Interval => Window / (Limit * Pace);

    public double CallsPerSecond => Limit * Pace / Window.TotalSeconds;

    /// <summary>Neither set nor stated by Stories yet: the first answer will tell.</summary>
    public bool IsAssumed => Source == "default";

    /// <summary>The operator's setting wins; else what Stories' headers said; else Stories' known 300 a minute.</summary>
    public static BudgetRate Of(BudgetState state, Stories.StoriesRateLimit? configured) =>
        configured is not null ? new(configured.Limit, configured.Window, "setting")
        : state.LearnedLimit is { } learned ? new(learned, Stories.StoriesRateLimit.DefaultWindow, "X-RateLimit-Limit")
        : new(Stories.StoriesRateLimit.StoriesDefault.Limit, Stories.StoriesRateLimit.StoriesDefault.Window, "default");
}
