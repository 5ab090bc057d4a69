namespace StoriesFunctions.Delivery;

/// <summary>
/// The events of one message that go back to the queue, each with its next attempt and delay, sent as one envelope per
/// delay (and per kind of wait: budget waits hold reserved slots). A user's deferred events share their first one's
/// delay, so they travel in one envelope, in call order. Within an envelope, users whose first event was not tried in
/// this attempt go first: the next attempt starts with them, so events that keep failing never hold back the others
/// for more than one attempt; a user's own events never change places.
/// </summary>
internal sealed class RetryEnvelopes
{
    private readonly List<(EnvelopeEvent Item, TimeSpan Delay, bool Tried, bool Scheduled)> _events = [];

    public int Count => _events.Count;

    /// <summary>How many events wait for budget slots reserved for them, and the longest such wait.</summary>
    public (int Events, TimeSpan Delay) Scheduled =>
        (_events.Count(e => e.Scheduled), _events.Where(e => e.Scheduled).Select(e => e.Delay).DefaultIfEmpty().Max());

    /// <summary>Adds <paramref name="item"/> (with its next attempt and stall count already set) to wait <paramref name="delay"/>.</summary>
    public void Add(EnvelopeEvent item, TimeSpan delay, bool tried, DeferKind kind) =>
        _events.Add((item, delay, tried, kind == DeferKind.Budget));

    /// <summary>The envelopes to send, by delay and kind.</summary>
    public IEnumerable<(TimeSpan? Delay, IReadOnlyList<BinaryData> Envelopes)> Pack()
    {
        foreach (var group in _events.GroupBy(e => (e.Delay, e.Scheduled)))
        {
            // A user's place is decided by their first event, so their own events keep call order (OrderBy is stable).
            var usersFirstTried = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var e in group)
            {
                if (e.Item.UserId is { } user)
                {
                    usersFirstTried.TryAdd(user, e.Tried);
                }
            }

            var packer = new EnvelopePacker(scheduled: group.Key.Scheduled);
            foreach (var (item, _, _, _) in group.OrderBy(e => e.Item.UserId is { } user ? usersFirstTried[user] : e.Tried))
            {
                packer.Add(item, item.Attempt);
            }

            yield return (group.Key.Delay > TimeSpan.Zero ? group.Key.Delay : null, packer.Complete());
        }
    }
}
