using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.Budget.Simulation;

/// <content>One invocation, step for step as <see cref="EnvelopeDelivery"/> takes it, as callbacks on the simulated clock.</content>
internal sealed partial class BudgetSimulation
{
    private sealed class Invocation(BudgetSimulation sim, Instance instance, SimMessage message)
    {
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
                    Try(index, Ask(index, message.Scheduled), round: 0);
                    return;
                }
            }

            Finish();
        }

        private BudgetAsk Ask(int index, bool scheduled)
        {
            var rest = message.Events.Skip(index).ToList();
            return new BudgetAsk(rest[0].Calls, rest.Sum(e => e.Calls), scheduled, rest.Min(e => e.ReceivedAt));
        }

        private void Try(int index, BudgetAsk ask, int round)
        {
            var grant = instance.Budget.AskAsync(ask, CancellationToken.None).GetAwaiter().GetResult();
            if (grant is BudgetGrant.Wait wait)
            {
                Decide(index, DeliveryOutcome.Waiting("track", wait.Until));
                return;
            }

            Send(index, ask, (BudgetGrant.Go)grant, call: 0, round);
        }

        private void Send(int index, BudgetAsk ask, BudgetGrant.Go slots, int call, int round)
        {
            sim.At(slots.At + (slots.Interval * call), () => sim.Call(instance.Skew, response =>
            {
                instance.Budget.ObserveAsync(response, CancellationToken.None).GetAwaiter().GetResult();
                if (response.IsSuccess)
                {
                    if (call + 1 < message.Events[index].Calls)
                    {
                        Send(index, ask, slots, call + 1, round);
                    }
                    else
                    {
                        Decide(index, DeliveryOutcome.From(response, "track"));
                    }

                    return;
                }

                // As EventDelivery: a 429 pauses every instance; as EnvelopeDelivery: ask once more, ahead of newcomers.
                var until = sim.Now + (response.RetryAfter ?? TimeSpan.FromSeconds(1));
                instance.Budget.PauseAsync(until, CancellationToken.None).GetAwaiter().GetResult();
                if (round == 0)
                {
                    Try(index, ask with { Scheduled = true }, round: 1);
                }
                else
                {
                    Decide(index, DeliveryOutcome.Throttled("track", response, until));
                }
            }));
        }

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
