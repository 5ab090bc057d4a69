namespace StoriesFunctions.Budget;

/// <summary>
/// How long an instance waits after its write to the budget row lost to another instance's write made after its own
/// read: the row is busy. Exponential, so that a crowd thins out, and jittered, so that writers that collided once do
/// not collide again in step. Waiting is bounded by <see cref="GiveUpAfter"/>, not by a count: under a crowd the next
/// write nearly always gets through, and what must not happen is an asker failing while the row is healthy.
/// </summary>
internal static class BudgetBackoff
{
    /// <summary>The first wait: a few table round trips, so two writers that collided once usually pass the next time.</summary>
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait: short against the longest in-process wait for a grant (<see cref="BudgetLedger.MaxWait"/>).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Past this the row counts as unavailable: every pending ask fails with a <see cref="TimeoutException"/>, which
    /// the caller reads as a storage failure (wait and try later). Well within a queue message's 30 s visibility.
    /// </summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    /// <summary>The wait after the <paramref name="conflicts"/>-th conflict in a row (from 1), for <paramref name="random"/> in [0, 1).</summary>
    public static TimeSpan Delay(int conflicts, double random)
    {
        var ceiling = First * Math.Pow(2, Math.Clamp(conflicts - 1, 0, 16));
        ceiling = ceiling < Longest ? ceiling : Longest;

        // Anywhere from half the first wait to the ceiling ("full jitter", with a floor): never a retry at once, never
        // two in step, and a writer that lost many times is not always the last to try again.
        var floor = First / 2;
        return floor + ((ceiling - floor) * random);
    }
}
