using System.Globalization;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// A message in <c>deadletter-jobs</c>: the job's id, and how many times in a row its piece failed on storage
/// (<c>{id}</c>, or <c>{id}:{failures}</c>). Such a piece comes back as a new message after a growing delay rather than
/// through the host's redeliveries, which move a message to <c>deadletter-jobs-poison</c> within minutes; the job's
/// cursor makes the repeat harmless.
/// </summary>
public readonly record struct DeadLetterJobPiece(string JobId, int Failures = 0)
{
    /// <summary>Storage failures in a row after which the job is marked failed: with the default first delay, about half an hour.</summary>
    public const int MaxFailures = 8;

    /// <summary>The longest wait between tries, in first delays.</summary>
    private const int MaxDelayFactor = 16;

    public static DeadLetterJobPiece Parse(string message)
    {
        var colon = message.LastIndexOf(':');
        return colon > 0 && int.TryParse(message.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var failures)
            ? new DeadLetterJobPiece(message[..colon], failures)
            : new DeadLetterJobPiece(message);
    }

    /// <summary>How long the piece waits after its <paramref name="failures"/>-th failure in a row; null: give up.</summary>
    public static TimeSpan? RetryDelay(int failures, TimeSpan first) => failures switch
    {
        < 1 => TimeSpan.Zero,
        >= MaxFailures => null,
        _ => first * Math.Min(1 << (failures - 1), MaxDelayFactor),
    };

    /// <summary>The longest a job can go without progress while its piece is still being tried: every delay, back to back.</summary>
    public static TimeSpan LongestRetry(TimeSpan first) =>
        Enumerable.Range(1, MaxFailures - 1).Aggregate(TimeSpan.Zero, (total, failures) => total + RetryDelay(failures, first)!.Value);

    public override string ToString() =>
        Failures == 0 ? JobId : string.Create(CultureInfo.InvariantCulture, $"{JobId}:{Failures}");
}
