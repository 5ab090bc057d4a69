using System.Text.Json;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// An event that will not be delivered without help, with why: the reason, Stories' status and a short excerpt of its
/// answer, how often and when it was tried. Kept in the <c>deadletters</c> table with the event itself
/// (<see cref="DeadLetterStore"/>); <see cref="UserId"/> is kept for exact-match filtering only and never listed.
/// </summary>
public sealed record DeadLetter(
    string? MessageId,
    string Type,
    string Reason,
    int? StatusCode,
    string? ResponseExcerpt,
    int Attempts,
    DateTimeOffset ReceivedAt,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset FailedAt,
    string? UserId)
{
    public const string UnreadableReason = "unreadable message (not written by this app)";

    /// <summary>The previous version kept dead letters as poison-queue messages of this kind; they are adopted as they are found.</summary>
    private const string LegacyKind = "deadLetter";

    /// <summary>Why an event the host moved to the poison queue is a dead letter.</summary>
    public static string HostMovedReason(int invocations) => $"the invocation failed {invocations} times";

    /// <summary>Reads a dead letter the previous version wrote to the poison queue; null for anything else.</summary>
    public static DeadLetter? TryReadLegacy(JsonElement root, out JsonElement evt)
    {
        evt = default;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("kind"u8, out var kind) || !kind.ValueEquals(LegacyKind)
            || !root.TryGetProperty("event"u8, out evt))
        {
            return null;
        }

        return new DeadLetter(
            Text(root, "messageId") ?? string.Empty,
            Text(root, "type") ?? "unknown",
            Text(root, "reason") ?? string.Empty,
            root.TryGetProperty("statusCode"u8, out var s) && s.TryGetInt32(out var status) ? status : null,
            Text(root, "responseExcerpt"),
            root.TryGetProperty("attempts"u8, out var a) && a.TryGetInt32(out var attempts) ? attempts : 0,
            Time(root, "receivedAt"),
            Time(root, "firstAttemptAt"),
            Time(root, "failedAt"),
            null);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time
            : default;
}
