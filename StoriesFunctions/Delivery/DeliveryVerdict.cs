using StoriesFunctions.DeadLetters;

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
    /// Back to the queue for <paramref name="Delay"/>, for the reason <paramref name="Kind"/>; its next try is attempt
    /// <paramref name="NextAttempt"/>.
    /// </summary>
    public sealed record Defer(TimeSpan Delay, int NextAttempt, string Reason, DeferKind Kind) : DeliveryVerdict;

    public sealed record DeadLetter(string Reason) : DeliveryVerdict;

    /// <summary>Never to be posted, and not a failure (its user was erased): counted as skipped.</summary>
    public sealed record Skip(string Reason) : DeliveryVerdict;
}
