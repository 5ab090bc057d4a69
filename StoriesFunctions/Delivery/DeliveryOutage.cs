namespace StoriesFunctions.Delivery;

/// <summary>
/// The message-level rules, kept apart from any one event's fate (NServiceBus's outage breaker): after a few transient
/// failures in a row Stories looks down, and the events not yet tried wait with the last failure's delay instead of
/// hammering it; a refused configuration stops the whole message.
/// </summary>
internal sealed class DeliveryOutage
{
    /// <summary>Transient failures in a row, whoever's events they were, after which Stories is taken to be down.</summary>
    public const int TransientFailuresBeforeBackingOff = 3;

    private int _inARow;

    /// <summary>Set once Stories looks down: the delay the untried events wait.</summary>
    public TimeSpan? BackingOff { get; private set; }

    /// <summary>Set once Stories refused the configuration: every event not yet delivered waits this long, using no attempt.</summary>
    public DeliveryVerdict.HoldMessage? Refused { get; private set; }

    public void Observe(DeliveryOutcome outcome, DeliveryVerdict verdict)
    {
        if (verdict is DeliveryVerdict.HoldMessage hold)
        {
            Refused ??= hold;
            return;
        }

        switch (outcome.Result)
        {
            case DeliveryResult.Transient:
                _inARow++;
                if (_inARow >= TransientFailuresBeforeBackingOff && verdict is DeliveryVerdict.Defer defer)
                {
                    BackingOff ??= defer.Delay;
                }

                break;
            case DeliveryResult.Delivered or DeliveryResult.AlreadyDelivered or DeliveryResult.Permanent:
                _inARow = 0;
                break;
            case DeliveryResult.ClaimHeld or DeliveryResult.ConfigurationOutage:
                break;
        }
    }
}
