using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace StoriesFunctions.Delivery;

public enum DeadLetterJobKind
{
    Replay,
    Purge,
}

/// <summary>
/// A replay or purge of dead letters, run in the background in pieces that each fit well inside a function timeout.
/// Its row in <c>deadletterjobs</c> holds what it covers (a filter, or a list of <c>messageId</c>s), how far it got
/// (<see cref="Cursor"/>: the table's continuation token, or the index in the list) and its counts, so that a restart
/// goes on from the last piece.
/// </summary>
public sealed record DeadLetterJob(
    string Id,
    DeadLetterJobKind Kind,
    DeadLetterFilter Filter,
    IReadOnlyList<string>? MessageIds,
    int? Max,
    string Status,
    int Done,
    int Skipped,
    string? Cursor,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    ETag ETag = default)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";

    public bool IsFinished => Status == Completed;

    internal TableEntity ToEntity(string partition) => new(partition, Id)
    {
        ["Kind"] = Kind.ToString(),
        ["Filter"] = JsonSerializer.Serialize(Filter),
        ["MessageIds"] = MessageIds is null ? null : JsonSerializer.Serialize(MessageIds),
        ["Max"] = Max,
        ["Status"] = Status,
        ["Done"] = Done,
        ["Skipped"] = Skipped,
        ["Cursor"] = Cursor,
        ["CreatedAt"] = CreatedAt,
        ["UpdatedAt"] = UpdatedAt,
        ["FinishedAt"] = FinishedAt,
    };

    internal static DeadLetterJob FromEntity(TableEntity e) => new(
        e.RowKey,
        Enum.TryParse<DeadLetterJobKind>(e.GetString("Kind"), out var kind) ? kind : DeadLetterJobKind.Replay,
        JsonSerializer.Deserialize<DeadLetterFilter>(e.GetString("Filter") ?? "{}") ?? DeadLetterFilter.All,
        e.GetString("MessageIds") is { } ids ? JsonSerializer.Deserialize<List<string>>(ids) : null,
        e.GetInt32("Max"),
        e.GetString("Status") ?? Queued,
        e.GetInt32("Done") ?? 0,
        e.GetInt32("Skipped") ?? 0,
        e.GetString("Cursor"),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.GetDateTimeOffset("FinishedAt"),
        e.ETag);
}
