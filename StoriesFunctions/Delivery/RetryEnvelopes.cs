namespace StoriesFunctions.Delivery;

/// <summary>
/// The events of one message that go back to the queue, each with its next attempt and delay, sent as one envelope per
/// delay. A user's deferred events share their first one's delay, so they travel in one envelope, in call order.
/// Within an envelope, events not tried in this attempt go first: the next attempt starts with them, so events that
/// keep failing never hold back the others for more than one attempt.
/// </summary>
internal sealed class RetryEnvelopes
{
    private readonly List<(EnvelopeEvent Item, int Attempt, TimeSpan Delay, bool Tried, bool Scheduled)> _events = [];

    public int Count => _events.Count;

    /// <summary>How many events wait for budget slots reserved for them, and the longest such wait.</summary>
    public (int Events, TimeSpan Delay) Scheduled =>
        (_events.Count(e => e.Scheduled), _events.Where(e => e.Scheduled).Select(e => e.Delay).DefaultIfEmpty().Max());

    /// <param name="scheduled">The event waits for Stories budget slots reserved for it (see <see cref="BudgetLedger"/>).</param>
    public void Add(EnvelopeEvent item, int attempt, TimeSpan delay, bool tried, bool scheduled = false) => _events.Add((item, attempt, delay, tried, scheduled));

    /// <summary>The envelopes to send, by delay; with <paramref name="holdAll"/>, every event waits that long instead.</summary>
    public IEnumerable<(TimeSpan? Delay, IReadOnlyList<BinaryData> Envelopes)> Pack(TimeSpan? holdAll)
    {
        foreach (var group in _events.GroupBy(e => (Delay: holdAll ?? e.Delay, Scheduled: holdAll is null && e.Scheduled)))
        {
            var packer = new EnvelopePacker(scheduled: group.Key.Scheduled);
            foreach (var (item, attempt, _, _, _) in group.OrderBy(e => e.Tried))
            {
                packer.Add(item, attempt);
            }

            yield return (group.Key.Delay > TimeSpan.Zero ? group.Key.Delay : null, packer.Complete());
        }
    }
}
