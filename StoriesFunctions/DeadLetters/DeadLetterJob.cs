using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace StoriesFunctions.DeadLetters;

public enum DeadLetterJobKind
{
    Replay,
    Purge,
}

/// <summary>
/// A replay or purge of dead letters, run in the background in pieces that each fit well inside a function timeout.
/// Its row in <c>deadletterjobs</c> holds what it covers (a filter, or how many <c>messageId</c>s it was given: they are
/// kept apart, <see cref="DeadLetterJobIds"/>), how far it got (<see cref="Cursor"/>: the table's continuation token, or
/// the index in the list) and its counts, so that a restart goes on from the last piece.
/// </summary>
public sealed record DeadLetterJob(
    string Id,
    DeadLetterJobKind Kind,
    DeadLetterFilter Filter,
    int? MessageIdCount,
    int? Max,
    string Status,
    int Done,
    int Skipped,
    string? Cursor,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    string? Error = null,
    ETag ETag = default)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";

    /// <summary>Gave up; <see cref="Error"/> says why. What it did before stays done; a new job goes on from there.</summary>
    public const string Failed = "failed";

    public bool IsFinished => Status is Completed or Failed;

    /// <summary>The ids of a job the previous version wrote, which kept them on the job's row.</summary>
    public IReadOnlyList<string>? LegacyMessageIds { get; init; }

    internal TableEntity ToEntity(string partition) => new(partition, Id)
    {
        ["Kind"] = Kind.ToString(),
        ["Filter"] = JsonSerializer.Serialize(Filter),
        ["MessageIdCount"] = MessageIdCount,
        ["MessageIds"] = LegacyMessageIds is null ? null : JsonSerializer.Serialize(LegacyMessageIds),
        ["Max"] = Max,
        ["Status"] = Status,
        ["Done"] = Done,
        ["Skipped"] = Skipped,
        ["Cursor"] = Cursor,
        ["CreatedAt"] = CreatedAt,
        ["UpdatedAt"] = UpdatedAt,
        ["FinishedAt"] = FinishedAt,
        ["Error"] = Error,
    };

    internal static DeadLetterJob FromEntity(TableEntity e)
    {
        var legacy = e.GetString("MessageIds") is { } ids ? JsonSerializer.Deserialize<List<string>>(ids) : null;
        return Read(e, e.GetInt32("MessageIdCount") ?? legacy?.Count) with { LegacyMessageIds = legacy };
    }

    private static DeadLetterJob Read(TableEntity e, int? messageIdCount) => new(
        e.RowKey,
        Enum.TryParse<DeadLetterJobKind>(e.GetString("Kind"), out var kind) ? kind : DeadLetterJobKind.Replay,
        JsonSerializer.Deserialize<DeadLetterFilter>(e.GetString("Filter") ?? "{}") ?? DeadLetterFilter.All,
        messageIdCount,
        e.GetInt32("Max"),
        e.GetString("Status") ?? Queued,
        e.GetInt32("Done") ?? 0,
        e.GetInt32("Skipped") ?? 0,
        e.GetString("Cursor"),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.GetDateTimeOffset("FinishedAt"),
        e.GetString("Error"),
        e.ETag);
}
