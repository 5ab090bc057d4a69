using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Budget.Simulation;

/// <content>
/// One invocation, step for step as <see cref="EnvelopeDelivery"/> and <see cref="EventDelivery"/> take it, as callbacks
/// on the simulated clock: its <see cref="MessageBudget"/> spends calls granted ahead or asks the row, short waits are
/// waited in-process and asked again, an event's calls go one after another from its grant, the answer to a span's
/// opening call is reported, and a 429 pauses every instance and asks once more, ahead of newcomers.
/// </content>
internal sealed partial class BudgetSimulation
{
    private sealed class Invocation(BudgetSimulation sim, Instance instance, SimMessage message)
    {
        private readonly MessageBudget _budget = new(instance.Budget, new BudgetAsks(message.Scheduled, [.. message.Events.Select(e => (e.Calls, e.ReceivedAt))]), sim._clock);
        private readonly List<(SimEvent Item, TimeSpan Delay, bool Scheduled)> _later = [];
        private readonly double _random = sim._random.NextDouble();
        private DateTimeOffset _started;
        private TimeSpan? _waiting;
        private int _tried;

        public void Start()
        {
            _started = sim.Now;
            Next(0);
        }

        private void Next(int index)
        {
            for (; index < message.Events.Count; index++)
            {
                var item = message.Events[index];
                if (_waiting is { } wait)
                {
                    _later.Add((item, wait, true));
                }
                else if (_tried > 0 && sim.Now - _started > InvocationBudget)
                {
                    _later.Add((item, TimeSpan.Zero, false));
                }
                else
                {
                    _tried++;
                    Try(index, scheduled: false, round: 0);
                    return;
                }
            }

            Finish();
        }

        private void Try(int index, bool scheduled, int round)
        {
            var grant = _budget.Spend(index, sim.Now)
                ?? _budget.Keep(index, instance.Budget.AskAsync(_budget.Ask(index, scheduled, sim.Now), CancellationToken.None).GetAwaiter().GetResult(), sim.Now);
            if (grant is BudgetGrant.Wait wait)
            {
                if (wait.Until - sim.Now <= BudgetLedger.MaxWait)
                {
                    sim.At(wait.Until, () => Try(index, scheduled || wait.Reserved, round));
                    return;
                }

                Decide(index, DeliveryOutcome.Waiting("track", wait.Until));
                return;
            }

            var go = (BudgetGrant.Go)grant;
            sim.At(go.At, () => Send(index, go, call: 0, round));
        }

        private void Send(int index, BudgetGrant.Go grant, int call, int round) => sim.Call(instance.Skew, response =>
        {
            if (grant.Opens && call == 0 && !response.IsThrottled)
            {
                instance.Budget.ReportOpeningAsync(grant.At, response, CancellationToken.None).GetAwaiter().GetResult();
            }

            instance.Budget.ObserveAsync(response, CancellationToken.None).GetAwaiter().GetResult();
            if (response.IsSuccess)
            {
                if (call + 1 < message.Events[index].Calls)
                {
                    sim.At(grant.At + (grant.Spacing * (call + 1)), () => Send(index, grant, call + 1, round));
                }
                else
                {
                    Decide(index, DeliveryOutcome.From(response, "track"));
                }

                return;
            }

            // As EventDelivery: a 429 pauses every instance, and the event asks once more, ahead of newcomers.
            var until = sim.Now + (response.RetryAfter ?? TimeSpan.FromSeconds(1));
            instance.Budget.PauseAsync(until, CancellationToken.None).GetAwaiter().GetResult();
            if (round == 0)
            {
                _budget.Drop();
                Try(index, scheduled: true, round: 1);
            }
            else
            {
                Decide(index, DeliveryOutcome.Throttled("track", response, until));
            }
        });

        private void Decide(int index, DeliveryOutcome outcome)
        {
            var item = message.Events[index];
            switch (DeliveryPolicy.Decide(outcome, new EnvelopeEvent(string.Empty, item.ReceivedAt, default, item.Attempt), sim._schedule, sim.Now, _random))
            {
                case DeliveryVerdict.Done:
                    sim.Delivered(item);
                    break;
                case DeliveryVerdict.Defer defer:
                    var scheduled = defer.Kind == DeferKind.Budget;
                    _later.Add((item with { Attempt = defer.NextAttempt }, defer.Delay, scheduled));
                    _waiting = scheduled ? defer.Delay : null;
                    break;
                case DeliveryVerdict.DeadLetter:
                    sim.DeadLettered(item);
                    break;
            }

            Next(index + 1);
        }

        private void Finish()
        {
            foreach (var group in _later.GroupBy(l => (l.Delay, l.Scheduled)))
            {
                sim._budgetWaits += group.Key.Scheduled ? group.Count() : 0;
                sim._queue.Send(new SimMessage([.. group.Select(l => l.Item)], group.Key.Scheduled, sim.Now + StorageLatency + group.Key.Delay));
            }

            instance.Completed(_started);
        }
    }
}
