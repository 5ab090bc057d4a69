namespace StoriesFunctions.Budget;

/// <summary>
/// How the deployment spends Stories' limit: at most <see cref="Burst"/> calls in any <see cref="Span"/>, and as many at
/// once as that allows. The long-run rate is <see cref="Pace"/> of <c>limit ÷ window</c>, as when calls were spaced
/// evenly; the 5 % the pace leaves is spent in two halves. One is calls held back from every span
/// (<see cref="Reserve"/>) for calls the budget never sees: Polly's quick retries after a 5xx. The other, and whatever
/// the reserve's rounding leaves, is time: the span outlasts Stories' window by <see cref="Margin"/>, so that a burst
/// cannot land in the window the previous burst opened, however late or early calls reach Stories (the network, the
/// table writes before a call, clocks, calls sent up to <see cref="Credit"/> after their grant).
/// </summary>
/// <remarks>
/// Any span of time holds at most <see cref="Burst"/> grants, wherever it starts; a call reaches Stories within the
/// margin of its grant; so any window of Stories' (at most <see cref="Window"/> long, wherever Laravel starts it) receives
/// at most <see cref="Burst"/> of our calls. Nothing here assumes where Stories' window starts.
/// </remarks>
public sealed record BudgetRate(int Limit, TimeSpan Window, string Source)
{
    /// <summary>The long-run share of the limit we use: the same as when calls were spaced evenly.</summary>
    public const double Pace = 0.95;

    /// <summary>Calls held back from every span: half of what the pace leaves, rounded down (none below 40 a window).</summary>
    public int Reserve => (int)Math.Floor(Limit * (1 - Pace) / 2);

    /// <summary>Calls the deployment may start in any <see cref="Span"/>.</summary>
    public int Burst => Math.Max(1, Limit - Reserve);

    /// <summary>The sliding span: long enough that <c>Burst ÷ Span</c> is <see cref="Pace"/> of the limit (rounded up to a tick).</summary>
    public TimeSpan Span => TimeSpan.FromTicks((long)Math.Ceiling(Window.Ticks * (Burst / (Limit * Pace))));

    /// <summary>How much longer than Stories' window a span is: 1.7 s at 300 a minute, 53 ms at 10 a second.</summary>
    public TimeSpan Margin => Span - Window;

    /// <summary>How long calls granted ahead for a message's later events stay usable: half the margin.</summary>
    public TimeSpan Credit => Margin / 2;

    /// <summary>
    /// Whether calls go in bursts: for spans of 10 s or more. There a burst saves what Flex Consumption bills while an
    /// instance waits between calls, and a span opens with one call whose answer the rest of the burst waits for
    /// (<see cref="BudgetLedger.Opened"/>): a round trip that costs a few percent of the span at most. In a shorter window
    /// a burst drains no sooner and saves next to nothing (an instance is billed at least a second per period), while
    /// calls sent at once by busy invocations reach Stories spread out, some in the next window with the next burst: such
    /// spans are paced, one call every <see cref="Interval"/>, as before bursts.
    /// </summary>
    public bool Bursts => Span >= TimeSpan.FromSeconds(10);

    /// <summary>The average time per call at the long-run rate: the pace of a short span, and drain estimates.</summary>
    public TimeSpan Interval => Span / Burst;

    public double CallsPerSecond => Burst / Span.TotalSeconds;

    /// <summary>Neither set nor stated by Stories yet: the first answer will tell.</summary>
    public bool IsAssumed => Source == "default";

    /// <summary>The operator's setting wins; else what Stories' headers said; else Stories' known 300 a minute.</summary>
    public static BudgetRate Of(BudgetState state, Stories.StoriesRateLimit? configured) =>
        configured is not null ? new(configured.Limit, configured.Window, "setting")
        : state.LearnedLimit is { } learned ? new(learned, Stories.StoriesRateLimit.DefaultWindow, "X-RateLimit-Limit")
        : new(Stories.StoriesRateLimit.StoriesDefault.Limit, Stories.StoriesRateLimit.StoriesDefault.Window, "default");
}
