using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Delivery;

/// <summary>What became of a message's events, for its one summary line.</summary>
internal sealed class MessageTally
{
    public int Tried { get; private set; }

    public int Delivered { get; private set; }

    public int Duplicates { get; private set; }

    public int Retried { get; private set; }

    public int DeadLettered { get; private set; }

    public bool AllDelivered(int events) => Delivered + Duplicates == events;

    public void Count(DeliveryOutcome outcome, DeliveryVerdict verdict)
    {
        Tried++;
        (Delivered, Duplicates, Retried, DeadLettered) = verdict switch
        {
            DeliveryVerdict.Done when outcome.Result == DeliveryResult.AlreadyDelivered => (Delivered, Duplicates + 1, Retried, DeadLettered),
            DeliveryVerdict.Done => (Delivered + 1, Duplicates, Retried, DeadLettered),
            DeliveryVerdict.Defer { Kind: DeferKind.Retry } => (Delivered, Duplicates, Retried + 1, DeadLettered),
            DeliveryVerdict.Defer => (Delivered, Duplicates, Retried, DeadLettered),
            DeliveryVerdict.DeadLetter => (Delivered, Duplicates, Retried, DeadLettered + 1),
            DeliveryVerdict.Skip => (Delivered, Duplicates, Retried, DeadLettered),
            _ => throw new System.Diagnostics.UnreachableException($"A verdict nobody counts: {verdict}"),
        };
    }
}
