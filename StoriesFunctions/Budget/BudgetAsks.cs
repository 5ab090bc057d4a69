using StoriesFunctions.Delivery;

namespace StoriesFunctions.Budget;

/// <summary>
/// What each event of a message asks of the Stories budget: its own calls, and the calls of it and every later event,
/// which the budget reserves when the message must wait. Worked out once per message.
/// </summary>
internal sealed class BudgetAsks
{
    private readonly bool _scheduled;
    private readonly int[] _calls;
    private readonly int[] _rest;
    private readonly DateTimeOffset[] _oldest;

    public BudgetAsks(Envelope envelope, EventDelivery delivery)
    {
        var count = envelope.Events.Count;
        (_scheduled, _calls, _rest, _oldest) = (envelope.Scheduled, new int[count], new int[count], new DateTimeOffset[count]);
        for (var i = count - 1; i >= 0; i--)
        {
            var item = envelope.Events[i];
            _calls[i] = delivery.CallsFor(item);
            _rest[i] = _calls[i] + (i + 1 < count ? _rest[i + 1] : 0);
            _oldest[i] = i + 1 < count && _oldest[i + 1] < item.ReceivedAt ? _oldest[i + 1] : item.ReceivedAt;
        }
    }

    public BudgetAsk For(int index) => new(_calls[index], _rest[index], _scheduled, _oldest[index]);
}
