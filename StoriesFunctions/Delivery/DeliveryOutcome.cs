using StoriesFunctions.Stories;

namespace StoriesFunctions.Delivery;

/// <summary>The facts of one event's attempt, before anyone decides what they mean (<see cref="DeliveryPolicy"/> does).</summary>
public enum DeliveryResult
{
    Delivered,
    AlreadyDelivered,

    /// <summary>Another copy holds a live claim on this event: nothing was posted.</summary>
    ClaimHeld,

    /// <summary>The user's previous event of the call, in another envelope, is not delivered yet: nothing was posted.</summary>
    WaitingOnUser,
    Transient,
    Permanent,

    /// <summary>Stories refused the key or the path (401, 403, 404): nothing is wrong with the event.</summary>
    ConfigurationOutage,

    /// <summary>No Stories budget for it now: its message's slots are reserved from <c>HeldUntil</c>. Nothing was sent.</summary>
    WaitingForBudget,

    /// <summary>Stories answered 429: every instance pauses until <c>HeldUntil</c>. Not the event's failure.</summary>
    Throttled,

    /// <summary>Our own storage (the claim, the budget row) failed before anything was posted. Not the event's failure.</summary>
    StorageDown,

    /// <summary>The host is shutting down: nothing was posted, and nothing new starts.</summary>
    Interrupted,

    /// <summary>Its user was erased (<see cref="Erasure.ErasedUsers"/>): nothing was posted, and nothing will be.</summary>
    Erased,
}

/// <summary>What became of one event in one attempt.</summary>
public sealed record DeliveryOutcome(DeliveryResult Result, string Type, string Reason, StoriesResponse? Response, DateTimeOffset? HeldUntil = null)
{
    public int? StatusCode => Response?.StatusCode is { } status ? (int)status : null;

    /// <summary>Whether Stories was called in this attempt: only then does the event's retry window begin.</summary>
    public bool CalledStories => Response is not null;

    public static DeliveryOutcome From(StoriesResponse response, string type) => response.Failure switch
    {
        FailureKind.None => new(DeliveryResult.Delivered, type, string.Empty, response),
        FailureKind.Permanent => new(DeliveryResult.Permanent, type, response.Reason, response),
        FailureKind.Configuration => new(DeliveryResult.ConfigurationOutage, type, response.Reason, response),
        FailureKind.Transient => new(DeliveryResult.Transient, type, response.Reason, response),
    };

    public static DeliveryOutcome Waiting(string type, DateTimeOffset until) =>
        new(DeliveryResult.WaitingForBudget, type, "waiting for Stories' rate limit", null, until);

    public static DeliveryOutcome Throttled(string type, StoriesResponse response, DateTimeOffset pausedUntil) =>
        new(DeliveryResult.Throttled, type, response.Reason, response, pausedUntil);

    public static DeliveryOutcome StorageFailed(string type, Exception exception) =>
        new(DeliveryResult.StorageDown, type, "our storage failed: " + exception.GetType().Name, null);

    public static DeliveryOutcome Interrupted(string type) =>
        new(DeliveryResult.Interrupted, type, "the host is shutting down", null);

    public static DeliveryOutcome WaitingOnUser(string type, DateTimeOffset until) =>
        new(DeliveryResult.WaitingOnUser, type, "waiting for the user's previous event", null, until);

    public static DeliveryOutcome Erased(string type) =>
        new(DeliveryResult.Erased, type, Erasure.ErasureReasons.UserErased, null);

    public static DeliveryOutcome Held(string type, DateTimeOffset until) =>
        new(DeliveryResult.ClaimHeld, type, "another copy of this event is being delivered", null, until);
}
