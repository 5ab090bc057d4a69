namespace StoriesFunctions.Tests.Budget.Simulation;

/// <summary>One event in a simulated queue message: how many Stories calls it makes, when it arrived, its attempt.</summary>
internal sealed record SimEvent(int Id, int Calls, DateTimeOffset ReceivedAt, int Attempt = 1);

internal sealed record SimMessage(IReadOnlyList<SimEvent> Events, bool Scheduled, DateTimeOffset VisibleAt);

/// <summary>An Azure queue as the host sees it: messages hidden until their visibility delay has passed, oldest first.</summary>
internal sealed class SimulatedQueue
{
    private readonly PriorityQueue<SimMessage, (DateTimeOffset, long)> _messages = new();
    private long _order;

    public int Count => _messages.Count;

    public long Sent { get; private set; }

    public void Send(SimMessage message)
    {
        Sent++;
        _messages.Enqueue(message, (message.VisibleAt, _order++));
    }

    public List<SimMessage> Receive(DateTimeOffset now, int max)
    {
        var got = new List<SimMessage>();
        while (got.Count < max && _messages.TryPeek(out var next, out _) && next.VisibleAt <= now)
        {
            got.Add(_messages.Dequeue());
        }

        return got;
    }
}
