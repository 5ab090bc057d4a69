namespace StoriesFunctions.Budget;

/// <summary>
/// One message's door to the budget during one invocation. Each event asks in turn, and asks ahead for the events the
/// message expects to start while calls granted now stay valid (<see cref="BudgetGrant.Go.Until"/>), going by how long
/// its events have taken so far: those are spent without asking, so a burst costs a row write per few events, not per
/// event. Calls granted ahead and not spent in time are handed back with the next ask; after a 429 they are dropped. A
/// wait shorter than a queue round trip (<see cref="BudgetLedger.MaxWait"/>) is waited here, and the event asks again.
/// </summary>
internal sealed class MessageBudget(StoriesBudget budget, BudgetAsks asks, TimeProvider time)
{
    private BudgetGrant.Go? _credit;
    private int _left;
    private TimeSpan _valid;
    private (int Index, DateTimeOffset From)? _event;
    private TimeSpan? _eventTime;

    /// <param name="index">The event's place in the message.</param>
    /// <param name="scheduled">Ask as a message whose calls were reserved: after a 429, or back from a short reservation.</param>
    /// <param name="cancellationToken">The invocation's token.</param>
    public async Task<BudgetGrant> AskAsync(int index, bool scheduled, CancellationToken cancellationToken)
    {
        while (true)
        {
            var grant = Spend(index, time.GetUtcNow())
                ?? Keep(index, await budget.AskAsync(Ask(index, scheduled, time.GetUtcNow()), cancellationToken).ConfigureAwait(false), time.GetUtcNow());
            var wait = grant is BudgetGrant.Wait answer ? answer.Until - time.GetUtcNow() : TimeSpan.MaxValue;
            if (wait > BudgetLedger.MaxWait)
            {
                return grant;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            // Calls that answer reserved are the message's now: it asks again as one whose round has come.
            scheduled |= ((BudgetGrant.Wait)grant).Reserved;
        }
    }

    /// <summary>Stories refused a call: what was granted ahead is not spent.</summary>
    public void Drop() => (_credit, _left) = (null, 0);

    /// <summary>The calls granted ahead, when they still cover event <paramref name="index"/>: no need to ask.</summary>
    internal BudgetGrant.Go? Spend(int index, DateTimeOffset now)
    {
        Measure(index, now);
        var calls = Math.Max(asks.For(index).Calls, 1);
        if (_credit is not { } credit || _left < calls || now > credit.Until)
        {
            return null;
        }

        _left -= calls;
        _event = (index, now);
        return credit with { Calls = calls, Opens = false };
    }

    /// <summary>What event <paramref name="index"/> asks, handing back calls granted ahead that ran out unspent.</summary>
    internal BudgetAsk Ask(int index, bool scheduled, DateTimeOffset now)
    {
        Measure(index, now);
        var ask = asks.For(index);
        var events = _eventTime is { } each && each > TimeSpan.Zero ? Math.Max(1, (int)(_valid / each)) : 1;
        ask = ask with { Scheduled = scheduled || ask.Scheduled, Ahead = asks.CallsOf(index, events) };
        if (_credit is { } unspent && _left > 0)
        {
            ask = ask with { Unused = _left, UnusedAt = unspent.At };
        }

        Drop();
        return ask;
    }

    /// <summary>Keeps what a grant gives beyond event <paramref name="index"/>'s own calls for the message's later events.</summary>
    internal BudgetGrant Keep(int index, BudgetGrant grant, DateTimeOffset now)
    {
        if (grant is BudgetGrant.Go go)
        {
            _valid = go.Until - go.At > _valid ? go.Until - go.At : _valid;
            _event = (index, go.At > now ? go.At : now);
            var calls = Math.Max(asks.For(index).Calls, 1);
            (_credit, _left) = go.Calls > calls ? (go, go.Calls - calls) : (null, 0);
        }

        return grant;
    }

    /// <summary>How long the previous event took, from when its calls could start to this event's turn.</summary>
    private void Measure(int index, DateTimeOffset now)
    {
        if (_event is { } previous && index == previous.Index + 1)
        {
            var took = now - previous.From;
            _eventTime = _eventTime is { } before ? (before + took) / 2 : took;
            _event = null;
        }
    }
}
