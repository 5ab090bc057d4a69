using Azure;
using Azure.Data.Tables;

namespace StoriesFunctions.Delivery;

public enum ClaimStatus
{
    /// <summary>This copy holds the claim and may post the steps not yet done.</summary>
    Claimed,

    /// <summary>Another copy holds a live claim: do not post; look again once it is done or its lease ran out.</summary>
    Held,

    /// <summary>Stories accepted the event before: nothing to post.</summary>
    Done,
}

/// <summary>
/// One event's delivery record, as one table row per <c>messageId</c>: who holds it (owner and lease) and which steps
/// Stories accepted. The nullable times are the state, as in MassTransit's inbox; the ETag makes every change after the
/// first insert conditional, as in durabletask's table lease.
/// </summary>
public sealed record DeliveryClaim(string MessageId, ClaimStatus Status, string Owner, bool UserDone, DateTimeOffset HeldUntil, ETag ETag)
{
    internal const string OwnerColumn = "Owner";
    internal const string LeaseUntilColumn = "LeaseUntil";
    internal const string UserDoneAtColumn = "UserDoneAt";
    internal const string EventDoneAtColumn = "EventDoneAt";

    /// <summary>Written by the previous version: flags 1 = user, 2 = event. Still read, so an upgrade sends nothing twice.</summary>
    internal const string LegacyStepsColumn = "Steps";

    internal static readonly string[] Columns = [OwnerColumn, LeaseUntilColumn, UserDoneAtColumn, EventDoneAtColumn, LegacyStepsColumn];

    /// <summary>The facts of a stored row.</summary>
    internal readonly record struct Row(string Owner, DateTimeOffset LeaseUntil, bool UserDone, bool EventDone)
    {
        public static Row From(TableEntity entity)
        {
            var legacy = entity.GetInt32(LegacyStepsColumn) ?? 0;
            return new Row(
                entity.GetString(OwnerColumn) ?? string.Empty,
                entity.GetDateTimeOffset(LeaseUntilColumn) ?? DateTimeOffset.MinValue,
                entity.GetDateTimeOffset(UserDoneAtColumn) is not null || (legacy & 1) != 0,
                entity.GetDateTimeOffset(EventDoneAtColumn) is not null || (legacy & 2) != 0);
        }

        /// <summary>Whether another owner holds a lease that has not run out.</summary>
        public bool IsHeldAt(DateTimeOffset now, string owner) => LeaseUntil > now && !string.IsNullOrEmpty(Owner) && Owner != owner;
    }
}
