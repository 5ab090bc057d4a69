using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget.Simulation;

/// <summary>
/// Many instances against one Stories limit, on a simulated clock. The production code decides: each instance has its
/// own <see cref="StoriesBudget"/> (with <see cref="BudgetLedger"/>) over one shared row, and
/// <see cref="DeliveryPolicy"/> turns every outcome into a verdict, and each invocation asks through a
/// <see cref="MessageBudget"/>. Simulated: the queue and the host's polling, the invocation loop of
/// <see cref="EnvelopeDelivery"/> (followed step by step: ask, send, report a span's opening call, pause on 429 and ask
/// once more, wait in-process when short, go back to the queue when told to wait longer), Stories' latency, and
/// Laravel's window (<see cref="LaravelWindow"/>, the same class the HTTP stand-in uses).
/// </summary>
internal sealed partial class BudgetSimulation
{
    private const int BatchSize = 16;
    private const int NewBatchThreshold = 8;
    private static readonly TimeSpan MinPolling = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPolling = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan InvocationBudget = new DeliveryOptions().InvocationBudget;

    private readonly BudgetScenario _scenario;
    private readonly FakeTimeProvider _clock;
    private readonly DateTimeOffset _start;
    private readonly PriorityQueue<Action, (DateTimeOffset, long)> _agenda = new();
    private readonly SimulatedQueue _queue = new();
    private readonly LaravelWindow _stories;
    private readonly MemoryBudgetStore _store = new();
    private readonly RetrySchedule _schedule;
    private readonly IOptions<StoriesOptions> _options;
    private readonly Random _random = new(2026);
    private readonly int[] _deliveries;
    private long _order;
    private int _done;
    private int _deadLetters;
    private int _mostAttempts = 1;
    private long _calls;
    private long _budgetWaits;
    private DateTimeOffset _lastDelivery;
    private readonly List<(int Instance, DateTimeOffset Start, DateTimeOffset End)> _invocations = [];

    public BudgetSimulation(BudgetScenario scenario)
    {
        _scenario = scenario;
        _start = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        _clock = new FakeTimeProvider(_start);
        _stories = new LaravelWindow(scenario.Limit, scenario.Window);
        _schedule = new RetrySchedule(Options.Create(new DeliveryOptions { MaxAttempts = scenario.MaxAttempts, MaxRetryDelay = scenario.MaxRetryDelay }));
        _options = Options.Create(new StoriesOptions { ApiKey = "simulated", RateLimit = scenario.SetRateLimit ? new StoriesRateLimit(scenario.Limit, scenario.Window).ToString() : null });
        _deliveries = new int[scenario.Events];
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    public BudgetOutcome Run()
    {
        var (totalCalls, lastArrival) = Backlog();
        var instances = Enumerable.Range(0, _scenario.Instances).Select(i => new Instance(this, i)).ToList();
        foreach (var instance in instances)
        {
            At(Now + TimeSpan.FromMilliseconds(_random.Next(0, 2000)), instance.Poll);
        }

        // The ideal: every call at exactly the limit, and no sooner than the last event arrives.
        var ideal = _scenario.Window * (totalCalls / (double)_scenario.Limit);
        ideal = lastArrival - _start > ideal ? lastArrival - _start : ideal;
        var giveUpAt = _start + (ideal * 4) + TimeSpan.FromMinutes(10);
        while (_done < _scenario.Events && _agenda.TryDequeue(out var action, out var when) && when.Item1 < giveUpAt)
        {
            _clock.SetUtcNow(when.Item1);
            action();
        }

        return new BudgetOutcome(
            _scenario, _scenario.Events, _deliveries.Count(d => d > 0), _deadLetters, _calls, _stories.Refused,
            _lastDelivery - _start, ideal, _budgetWaits, _queue.Sent, instances.Sum(i => i.Budget.StorageOperations), _mostAttempts,
            InvocationTime.Of(_invocations.Select(i => (i.Instance, i.Start, i.End))));
    }

    /// <summary>The events already queued at the start (a Segment replay), and a trickle of new ones while it drains.</summary>
    private (int Calls, DateTimeOffset LastArrival) Backlog()
    {
        var (id, calls, last) = (0, 0, _start);
        var backlog = _scenario.Events - _scenario.TrickleEvents;
        while (id < _scenario.Events)
        {
            var trickle = id >= backlog;
            var at = trickle ? _start + TimeSpan.FromSeconds((id - backlog + 1) / _scenario.TrickleEventsPerSecond) : _start;
            last = at > last ? at : last;
            var size = !trickle && _random.NextDouble() < _scenario.BatchedShare ? _scenario.EventsPerBatchedMessage : 1;
            var events = new List<SimEvent>();
            for (var i = 0; i < size && id < _scenario.Events; i++)
            {
                var cost = _random.NextDouble() < _scenario.IdentifyShare ? 2 : 1;
                events.Add(new SimEvent(id++, cost, at));
                calls += cost;
            }

            _queue.Send(new SimMessage(events, Scheduled: false, at));
        }

        return (calls, last);
    }

    private void At(DateTimeOffset when, Action action) => _agenda.Enqueue(action, (when < Now ? Now : when, _order++));

    private void Delivered(SimEvent item)
    {
        _deliveries[item.Id]++;
        _done++;
        _lastDelivery = Now;
        _mostAttempts = Math.Max(_mostAttempts, item.Attempt);
    }

    private void DeadLettered(SimEvent item)
    {
        _deadLetters++;
        _done++;
        _mostAttempts = Math.Max(_mostAttempts, item.Attempt);
    }

    /// <summary>
    /// One call reaching Stories after a jittered half of its latency (so calls can overtake each other and bunch), the
    /// answer after the other half. <paramref name="skew"/> is the sending instance's clock error.
    /// </summary>
    private void Call(TimeSpan skew, Action<StoriesResponse> answered)
    {
        At(Now + skew + (_scenario.StoriesLatency * _random.NextDouble()), () =>
        {
            _calls++;
            var (allowed, remaining, retryAfter) = _stories.Hit(Now);
            var response = new StoriesResponse(allowed ? HttpStatusCode.Created : HttpStatusCode.TooManyRequests, null, retryAfter, null, _stories.Limit, remaining);
            At(Now + (_scenario.StoriesLatency / 2), () => answered(response));
        });
    }

    /// <summary>A Functions host instance: polls the queue like the WebJobs queue listener and runs invocations side by side.</summary>
    private sealed class Instance(BudgetSimulation sim, int index)
    {
        private int _inFlight;
        private bool _polling;
        private TimeSpan _backoff = MinPolling;

        public StoriesBudget Budget { get; } = new(sim._store, sim._options, sim._clock, NullLogger<StoriesBudget>.Instance);

        /// <summary>This instance's clock error: it sends at what it believes is the slot's time.</summary>
        public TimeSpan Skew { get; } = TimeSpan.FromMilliseconds(sim._random.Next(-25, 26));

        public void Poll()
        {
            _polling = false;
            if (_inFlight > NewBatchThreshold)
            {
                return;
            }

            var messages = sim._queue.Receive(sim.Now, BatchSize);
            if (messages.Count == 0)
            {
                _backoff = _backoff * 2 > MaxPolling ? MaxPolling : _backoff * 2;
                Schedule(_backoff);
                return;
            }

            _backoff = MinPolling;
            foreach (var message in messages)
            {
                _inFlight++;
                var invocation = new Invocation(sim, this, message);
                sim.At(sim.Now + StorageLatency, invocation.Start);
            }

            Schedule(StorageLatency);
        }

        public void Completed(DateTimeOffset started)
        {
            sim._invocations.Add((index, started, sim.Now));
            _inFlight--;
            Schedule(TimeSpan.Zero);
        }

        private void Schedule(TimeSpan after)
        {
            if (!_polling)
            {
                _polling = true;
                sim.At(sim.Now + after, Poll);
            }
        }
    }
}
