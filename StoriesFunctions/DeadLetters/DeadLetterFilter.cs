using Azure.Data.Tables;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// Which dead letters an operator means: by reason (its kind: <c>permanent</c>, <c>retries exhausted</c>,
/// <c>host moved</c>, <c>unreadable</c>), Stories' status code, event type, when it failed (<see cref="Since"/> inclusive,
/// <see cref="Until"/> exclusive), <c>messageId</c>, or <c>userId</c> (exact match only: the user id is kept for this and
/// never listed). Every part is optional; none means all.
/// </summary>
public sealed record DeadLetterFilter(
    string? Reason = null,
    int? Status = null,
    string? Type = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? MessageId = null,
    string? UserId = null)
{
    public static readonly DeadLetterFilter All = new();

    public static readonly IReadOnlyList<string> ReasonKinds = ["permanent", "retries exhausted", "host moved", "unreadable"];

    /// <summary>The kind of a dead letter's reason: what the filter and the metrics group by.</summary>
    public static string KindOf(string reason) =>
        reason.StartsWith("retries exhausted", StringComparison.Ordinal) ? "retries exhausted"
        : reason.StartsWith("the invocation failed", StringComparison.Ordinal) ? "host moved"
        : reason == DeadLetter.UnreadableReason ? "unreadable"
        : "permanent";

    /// <summary>The table query: every value escaped by the SDK.</summary>
    internal string ToOData(string partition)
    {
        var clauses = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {partition}") };
        if (MessageId is { } id)
        {
            clauses.Add(TableClient.CreateQueryFilter($"RowKey eq {DeliveryTables.Keys(id).Row}"));
        }

        if (Reason is { } reason)
        {
            clauses.Add(TableClient.CreateQueryFilter($"ReasonKind eq {reason}"));
        }

        if (Status is { } status)
        {
            clauses.Add(TableClient.CreateQueryFilter($"StatusCode eq {status}"));
        }

        if (Type is { } type)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Type eq {type}"));
        }

        if (Since is { } since)
        {
            clauses.Add(TableClient.CreateQueryFilter($"FailedAt ge {since}"));
        }

        if (Until is { } until)
        {
            clauses.Add(TableClient.CreateQueryFilter($"FailedAt lt {until}"));
        }

        if (UserId is { } user)
        {
            clauses.Add(TableClient.CreateQueryFilter($"UserId eq {user}"));
        }

        return string.Join(" and ", clauses);
    }
}
