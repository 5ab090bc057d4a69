namespace StoriesFunctions.Delivery;

/// <summary>An event's fate in this attempt: a closed set, decided in one place (<see cref="DeliveryPolicy"/>).</summary>
public abstract record DeliveryVerdict
{
    private DeliveryVerdict()
    {
    }

    /// <summary>Nothing more to do: Stories has it.</summary>
    public sealed record Done : DeliveryVerdict;

    /// <summary>
    /// Back to the queue for <paramref name="Delay"/>; its next try is attempt <paramref name="NextAttempt"/>. With
    /// <paramref name="Scheduled"/>, Stories budget slots are reserved for it when it comes back.
    /// </summary>
    public sealed record Defer(TimeSpan Delay, int NextAttempt, string Reason, bool Scheduled = false) : DeliveryVerdict;

    public sealed record DeadLetter(string Reason) : DeliveryVerdict;

    /// <summary>Stop the whole message: every event not yet delivered waits, using no attempt.</summary>
    public sealed record HoldMessage(TimeSpan Delay, string Reason) : DeliveryVerdict;
}
