using Azure;
using Azure.Data.Tables;

namespace StoriesFunctions.Erasure;

/// <summary>
/// What an erasure did, kept in <c>erasurejobs</c> with no personal data: no user id, no hash, only times and counts.
/// The id the job works on travels in its queue messages only (<see cref="ErasureStep"/>), gone once it finishes.
/// </summary>
public sealed record ErasureJob(
    string Id,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt = null,
    DateTimeOffset? SuppressedAt = null,
    int Passes = 0,
    int DeadLettersPurged = 0,
    int StoriesUsersDeleted = 0,
    int StoriesUsersNotFound = 0,
    string? Error = null,
    ETag ETag = default)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public bool IsFinished => Status is Completed or Failed;

    internal TableEntity ToEntity(string partition) => new(partition, Id)
    {
        ["Status"] = Status,
        ["CreatedAt"] = CreatedAt,
        ["UpdatedAt"] = UpdatedAt,
        ["FinishedAt"] = FinishedAt,
        ["SuppressedAt"] = SuppressedAt,
        ["Passes"] = Passes,
        ["DeadLettersPurged"] = DeadLettersPurged,
        ["StoriesUsersDeleted"] = StoriesUsersDeleted,
        ["StoriesUsersNotFound"] = StoriesUsersNotFound,
        ["Error"] = Error,
    };

    internal static ErasureJob FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("Status") ?? Queued,
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.GetDateTimeOffset("FinishedAt"),
        e.GetDateTimeOffset("SuppressedAt"),
        e.GetInt32("Passes") ?? 0,
        e.GetInt32("DeadLettersPurged") ?? 0,
        e.GetInt32("StoriesUsersDeleted") ?? 0,
        e.GetInt32("StoriesUsersNotFound") ?? 0,
        e.GetString("Error"),
        e.ETag);
}
