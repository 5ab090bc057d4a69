namespace StoriesFunctions.Delivery;

/// <summary>
/// The events of one message that go back to the queue, each with its next attempt and delay, sent as one envelope per
/// delay. A user's deferred events share their first one's delay, so they travel in one envelope, in call order.
/// Within an envelope, events not tried in this attempt go first: the next attempt starts with them, so events that
/// keep failing never hold back the others for more than one attempt.
/// </summary>
internal sealed class RetryEnvelopes
{
    private readonly List<(EnvelopeEvent Item, int Attempt, TimeSpan Delay, bool Tried)> _events = [];

    public int Count => _events.Count;

    public void Add(EnvelopeEvent item, int attempt, TimeSpan delay, bool tried) => _events.Add((item, attempt, delay, tried));

    /// <summary>The envelopes to send, by delay; with <paramref name="holdAll"/>, every event waits that long instead.</summary>
    public IEnumerable<(TimeSpan? Delay, IReadOnlyList<BinaryData> Envelopes)> Pack(TimeSpan? holdAll)
    {
        foreach (var group in _events.GroupBy(e => holdAll ?? e.Delay))
        {
            var packer = new EnvelopePacker();
            foreach (var (item, attempt, _, _) in group.OrderBy(e => e.Tried))
            {
                packer.Add(item, attempt);
            }

            yield return (group.Key > TimeSpan.Zero ? group.Key : null, packer.Complete());
        }
    }
}
