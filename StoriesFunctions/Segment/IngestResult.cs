namespace StoriesFunctions.Segment;

/// <summary>One event that was not queued, as the webhook's answer lists it.</summary>
public sealed record EventNote(int Index, string? MessageId, string Reason);

/// <summary>The outcome of one webhook call, before it becomes an HTTP answer.</summary>
public sealed record IngestResult(int StatusCode, int Queued, IReadOnlyList<EventNote> Skipped, IReadOnlyList<EventNote> Rejected, string? Error)
{
    public static IngestResult Refused(int statusCode, string error) => new(statusCode, 0, [], [], error);
}
