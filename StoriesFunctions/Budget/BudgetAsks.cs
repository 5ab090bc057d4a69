using StoriesFunctions.Delivery;

namespace StoriesFunctions.Budget;

/// <summary>
/// What each event of a message asks of the Stories budget: its own calls, and the calls of it and every later event,
/// which the budget grants ahead while the span has room, or reserves when the message must wait. Worked out once per
/// message.
/// </summary>
internal sealed class BudgetAsks
{
    private readonly bool _scheduled;
    private readonly int[] _calls;
    private readonly int[] _rest;
    private readonly DateTimeOffset[] _oldest;

    public BudgetAsks(Envelope envelope, EventDelivery delivery)
        : this(envelope.Scheduled, [.. envelope.Events.Select(e => (delivery.CallsFor(e), e.ReceivedAt))])
    {
    }

    /// <param name="scheduled">The message comes back for calls reserved for it.</param>
    /// <param name="events">Each event's calls and when it was received, in the message's order.</param>
    public BudgetAsks(bool scheduled, IReadOnlyList<(int Calls, DateTimeOffset ReceivedAt)> events)
    {
        var count = events.Count;
        (_scheduled, _calls, _rest, _oldest) = (scheduled, new int[count], new int[count], new DateTimeOffset[count]);
        for (var i = count - 1; i >= 0; i--)
        {
            _calls[i] = events[i].Calls;
            _rest[i] = _calls[i] + (i + 1 < count ? _rest[i + 1] : 0);
            _oldest[i] = i + 1 < count && _oldest[i + 1] < events[i].ReceivedAt ? _oldest[i + 1] : events[i].ReceivedAt;
        }
    }

    public int Count => _calls.Length;

    public BudgetAsk For(int index) => new(_calls[index], _rest[index], _scheduled, _oldest[index]);

    /// <summary>The calls of <paramref name="events"/> events from <paramref name="index"/> on.</summary>
    public int CallsOf(int index, int events) => _rest[index] - (index + events < _rest.Length ? _rest[index + events] : 0);
}
