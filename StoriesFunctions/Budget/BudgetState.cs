namespace StoriesFunctions.Budget;

/// <summary>
/// The deployment's one budget for Stories calls, as kept in one table row that every instance reads and writes with
/// ETag concurrency. <see cref="Granted"/> holds the calls granted over the last span (a sliding log: any span holds at
/// most <see cref="BudgetRate.Burst"/>). Messages waiting in the queue have calls reserved in rounds one span apart:
/// <see cref="Held"/> calls in the round that began at <see cref="Round"/>, kept from newcomers until the round ends, and
/// <see cref="Queued"/> calls in the rounds after it. <see cref="PausedUntil"/> is the end of a pause Stories asked for
/// with a 429. <see cref="OpeningAt"/> is when the call that opened the current span was granted, and
/// <see cref="OpeningAnswered"/> whether Stories' answer to it has been reported. <see cref="NextSlot"/> is the first free
/// slot of a paced span (<see cref="BudgetRate.Bursts"/> false).
/// </summary>
public sealed record BudgetState(
    int? LearnedLimit,
    GrantLog Granted,
    DateTimeOffset Round,
    int Held,
    int Queued,
    DateTimeOffset PausedUntil,
    BacklogMarks Marks,
    DateTimeOffset OpeningAt = default,
    bool OpeningAnswered = false,
    DateTimeOffset NextSlot = default)
{
    public static readonly BudgetState Empty = new(null, GrantLog.None, DateTimeOffset.MinValue, 0, 0, DateTimeOffset.MinValue, BacklogMarks.None, DateTimeOffset.MinValue);

    /// <summary>Whether calls are reserved for messages waiting in the queue.</summary>
    public bool HasReservations => Held + Queued > 0;

    /// <summary>When the round holding the last reserved call begins: now, if nothing waits.</summary>
    public DateTimeOffset DrainedAt(BudgetRate rate, DateTimeOffset now)
    {
        if (!HasReservations)
        {
            return now;
        }

        var end = Round + (rate.Span * Math.Ceiling(Queued / (double)rate.Burst));
        return end > now ? end : now;
    }
}
