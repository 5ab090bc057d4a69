using StoriesFunctions.Budget;

namespace StoriesFunctions.Delivery;

/// <summary>Whether to try an event now, or why and how long it waits.</summary>
public abstract record Gate
{
    private Gate()
    {
    }

    public static readonly Gate Try = new TryNow();

    public sealed record TryNow : Gate;

    /// <param name="Behind">For a wait behind the user's earlier event: why that one waits.</param>
    public sealed record Wait(TimeSpan Delay, DeferKind Kind, DeferKind? Behind = null) : Gate;
}

/// <summary>
/// One message's plan: before each event, whether to try it or defer it, and why. No I/O and no clock; it learns from
/// each verdict. Its rules, in order:
/// <list type="number">
/// <item>A user whose event was deferred (or refused, or stalled) has every later event of the message deferred behind
/// it, with the same delay, so a user's events of one call reach Stories in call order (after RudderStack's barrier).
/// A dead-lettered event does not hold its user: later events go on, and a replay lands after them.</item>
/// <item>A verdict that stops the message (<see cref="DeferKinds.StopsTheMessage"/>) defers every later event too: budget
/// slots reserved for the rest, a refused configuration, our storage down, Stories down (three transient failures in a
/// row), or a handover.</item>
/// <item>Once the invocation's time is spent or the host is stopping, nothing new starts: the rest is handed over to a
/// fresh message at once.</item>
/// </list>
/// </summary>
public sealed class MessagePlan
{
    /// <summary>Transient failures in a row, whoever's events they were, after which Stories is taken to be down.</summary>
    public const int TransientFailuresBeforeBackingOff = 3;

    private readonly Dictionary<string, (TimeSpan Delay, DeferKind Kind)> _heldUsers = new(StringComparer.Ordinal);
    private (TimeSpan Delay, DeferKind Kind, string Reason)? _stopped;
    private int _transientInARow;

    /// <summary>Why the rest of the message stopped, and for how long, if it did.</summary>
    public (TimeSpan Delay, DeferKind Kind, string Reason)? Stopped => _stopped;

    /// <param name="item">The event about to be considered.</param>
    /// <param name="handOver">The invocation's time is spent or the host is stopping.</param>
    public Gate Next(EnvelopeEvent item, bool handOver)
    {
        if (item.UserId is { } user && _heldUsers.TryGetValue(user, out var held))
        {
            // Behind a budget wait it travels with the reserved slots; behind anything else it waits as long as its user.
            return new Gate.Wait(held.Delay, held.Kind == DeferKind.Budget ? DeferKind.Budget : DeferKind.BehindUser, held.Kind);
        }

        if (_stopped is { } stop)
        {
            return new Gate.Wait(stop.Delay, stop.Kind);
        }

        if (handOver)
        {
            _stopped = (TimeSpan.Zero, DeferKind.HandedOver, "time spent, or the host is stopping");
            return new Gate.Wait(TimeSpan.Zero, DeferKind.HandedOver);
        }

        return Gate.Try;
    }

    /// <summary>Learns from the verdict on a tried event.</summary>
    public void Observe(EnvelopeEvent item, DeliveryOutcome outcome, DeliveryVerdict verdict)
    {
        _transientInARow = outcome.Result switch
        {
            DeliveryResult.Transient => _transientInARow + 1,
            DeliveryResult.Delivered or DeliveryResult.AlreadyDelivered or DeliveryResult.Permanent or DeliveryResult.Erased => 0,
            DeliveryResult.ClaimHeld or DeliveryResult.WaitingOnUser or DeliveryResult.ConfigurationOutage or DeliveryResult.WaitingForBudget
                or DeliveryResult.Throttled or DeliveryResult.StorageDown or DeliveryResult.Interrupted => _transientInARow,
        };

        if (verdict is not DeliveryVerdict.Defer defer)
        {
            return;
        }

        Hold(item, defer.Delay, defer.Kind);
        if (defer.Kind.StopsTheMessage())
        {
            _stopped ??= (defer.Delay, defer.Kind, defer.Reason);
        }
        else if (defer.Kind == DeferKind.Retry && _transientInARow >= TransientFailuresBeforeBackingOff)
        {
            _stopped ??= (defer.Delay, DeferKind.StoriesDown, defer.Reason);
        }
    }

    private void Hold(EnvelopeEvent item, TimeSpan delay, DeferKind kind)
    {
        if (item.UserId is { } user)
        {
            _heldUsers.TryAdd(user, (delay, kind));
        }
    }
}
