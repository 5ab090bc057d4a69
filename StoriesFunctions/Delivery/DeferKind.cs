namespace StoriesFunctions.Delivery;

/// <summary>
/// Why an event goes back to the queue: a closed set, matched by switch expressions so that a new reason cannot be
/// dropped silently. Only <see cref="Retry"/> uses an attempt; only <see cref="Budget"/> holds budget slots reserved
/// for it; <see cref="Refused"/>, <see cref="StorageDown"/>, <see cref="StoriesDown"/>, <see cref="Budget"/> and
/// <see cref="HandedOver"/> also stop the rest of the message.
/// </summary>
public enum DeferKind
{
    /// <summary>A transient failure of Stories: the next try is the next attempt.</summary>
    Retry,

    /// <summary>Another copy holds a live claim on the event.</summary>
    ClaimHeld,

    /// <summary>An earlier event of the same user waits: this one waits behind it, in call order.</summary>
    BehindUser,

    /// <summary>No Stories budget now: slots are reserved for the rest of the message.</summary>
    Budget,

    /// <summary>Stories answered 429: every instance pauses.</summary>
    Throttled,

    /// <summary>Not tried: the invocation's time is spent, or the host is shutting down. Back at once, as a fresh message.</summary>
    HandedOver,

    /// <summary>Not tried: Stories failed several events in a row; the rest wait instead of hammering it.</summary>
    StoriesDown,

    /// <summary>Our own storage (claims, budget, records) failed before anything was posted: waits with backoff.</summary>
    StorageDown,

    /// <summary>Stories refused the key or the path: the whole message waits, using no attempt.</summary>
    Refused,
}

internal static class DeferKinds
{
    /// <summary>Whether deferring one event for this reason defers every later event of the message too.</summary>
    public static bool StopsTheMessage(this DeferKind kind) => kind switch
    {
        DeferKind.Budget or DeferKind.HandedOver or DeferKind.StoriesDown or DeferKind.StorageDown or DeferKind.Refused => true,
        DeferKind.Retry or DeferKind.ClaimHeld or DeferKind.BehindUser or DeferKind.Throttled => false,
    };
}
