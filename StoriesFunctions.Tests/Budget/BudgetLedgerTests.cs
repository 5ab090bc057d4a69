using StoriesFunctions.Stories;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>The budget's rules as a table: who sends when, who waits in the queue, and for how long.</summary>
public class BudgetLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    // 20 calls per 10 s: bursts of 20 in any 10.53 s, no call held in reserve.
    private static readonly BudgetRate Rate = new(20, TimeSpan.FromSeconds(10), "setting");

    // A span that opened a second ago, its opening call answered: the rest of its burst may go (BudgetLedgerOpeningTests).
    private static readonly BudgetState Open = BudgetState.Empty with { OpeningAt = Now - TimeSpan.FromSeconds(1), OpeningAnswered = true };

    private static BudgetAsk Ask(int calls = 1, int reserve = 1, bool scheduled = false, int ahead = 0) => new(calls, reserve, scheduled, Now.AddMinutes(-1), Ahead: ahead);

    private static BudgetState Full(DateTimeOffset at) => Open with { Granted = GrantLog.None.Add(at, Rate.Burst, Rate.Span), OpeningAt = at };

    [Test]
    public void Ask_IdleBudget_GoesNowWithTheCallsItAskedAhead()
    {
        var (state, grant) = BudgetLedger.Ask(Open, Ask(calls: 2, reserve: 9, ahead: 5), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now, 5, Now + Rate.Credit)));
            Assert.That(state.Granted.CallsAfter(Now - Rate.Span), Is.EqualTo(5));
        });
    }

    [Test]
    public void Ask_ManyAtOnce_AllGoAtOnceUntilTheSpanIsFull()
    {
        var state = Open;
        var grants = new List<BudgetGrant>();
        for (var i = 0; i < Rate.Burst + 1; i++)
        {
            (state, var grant) = BudgetLedger.Ask(state, Ask(), Rate, Now);
            grants.Add(grant);
        }

        Assert.Multiple(() =>
        {
            Assert.That(grants.Take(Rate.Burst), Has.All.EqualTo(new BudgetGrant.Go(Now, 1, Now + Rate.Credit)), "a burst, not a pace");
            Assert.That(grants[^1], Is.EqualTo(new BudgetGrant.Wait(Open.OpeningAt + Rate.Span, Reserved: true)), "the next comes back for the next round, when this span ends");
        });
    }

    [TestCase(0.5, true)]
    [TestCase(1.9, true)]
    [TestCase(2.5, false)]
    public void Ask_SpanFullUntilShortly_WaitsInProcessOnlyIfShorterThanAQueueRoundTrip(double freeInSeconds, bool goes)
    {
        var full = Full(Now + TimeSpan.FromSeconds(freeInSeconds) - Rate.Span);

        var (_, grant) = BudgetLedger.Ask(full, Ask(), Rate, Now);

        // The room comes when the span's calls stop counting: the call opens the next span.
        Assert.That(grant, goes
            ? Is.EqualTo(new BudgetGrant.Go(Now + TimeSpan.FromSeconds(freeInSeconds), 1, Now + TimeSpan.FromSeconds(freeInSeconds), Opens: true))
            : Is.InstanceOf<BudgetGrant.Wait>());
    }

    [Test]
    public void Ask_SpanFull_WaitsInTheQueueForItsRoundWithTheRestOfItsMessageReserved()
    {
        var full = Full(Now - TimeSpan.FromSeconds(0.05));

        var (state, grant) = BudgetLedger.Ask(full, Ask(reserve: 30), Rate, Now);
        var (after, next) = BudgetLedger.Ask(state, Ask(reserve: 1), Rate, Now);

        var round = full.OpeningAt + Rate.Span;
        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(round, Reserved: true)), "when the span's calls stop counting");
            Assert.That(state.Queued, Is.EqualTo(30));
            Assert.That(state.Granted.CallsAfter(Now - Rate.Span), Is.EqualTo(Rate.Burst), "waiting spends nothing now");
            Assert.That(next, Is.EqualTo(new BudgetGrant.Wait(round + Rate.Span, Reserved: true)), "the next queues behind the whole message: its 31st call is in the second round");
            Assert.That(after.Queued, Is.EqualTo(31));
        });
    }

    [Test]
    public void Ask_NewcomerWhileOthersWaitInTheQueue_JoinsTheBackEvenIfTheSpanHasRoom()
    {
        var backlog = Open with { Round = Now - TimeSpan.FromSeconds(1), Queued = 100 };

        var (_, grant) = BudgetLedger.Ask(backlog, Ask(), Rate, Now);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(backlog.Round + (Rate.Span * 6), Reserved: true)), "behind five rounds of 20");
    }

    [Test]
    public void Ask_MessageWhoseRoundHasCome_GoesAheadOfNewcomers()
    {
        var round = Open with { Round = Now - TimeSpan.FromSeconds(1), Held = Rate.Burst, Queued = 100 };

        var (state, scheduled) = BudgetLedger.Ask(round, Ask(scheduled: true, ahead: 4), Rate, Now);
        var (_, newcomer) = BudgetLedger.Ask(round, Ask(), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(scheduled, Is.EqualTo(new BudgetGrant.Go(Now, 4, Now + Rate.Credit)));
            Assert.That(state.Held, Is.EqualTo(Rate.Burst - 4), "it took calls held for its round");
            Assert.That(newcomer, Is.InstanceOf<BudgetGrant.Wait>());
        });
    }

    [Test]
    public void Ask_HeldCallsOfTheRound_NewcomerLeavesThemWhenNothingElseWaits()
    {
        var round = Open with { Round = Now - TimeSpan.FromSeconds(1), Held = Rate.Burst - 3 };

        var (_, fits) = BudgetLedger.Ask(round, Ask(calls: 2, ahead: 5), Rate, Now);
        var (_, not) = BudgetLedger.Ask(round, Ask(calls: 4), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(fits, Is.EqualTo(new BudgetGrant.Go(Now, 3, Now + Rate.Credit)), "what the held calls leave, and no more");
            Assert.That(not, Is.InstanceOf<BudgetGrant.Wait>());
        });
    }

    [Test]
    public void Ask_RoundsEndedUntaken_TheirHeldCallsAreForgottenAndTheNextRoundIsHeld()
    {
        var stale = BudgetState.Empty with { Round = Now - (Rate.Span * 3) - TimeSpan.FromMilliseconds(1), Held = 5, Queued = 50 };

        var rolled = BudgetLedger.Roll(stale, Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(rolled.Round, Is.EqualTo(stale.Round + (Rate.Span * 3)));
            Assert.That((rolled.Held, rolled.Queued), Is.EqualTo((10, 0)), "two rounds of 20 passed unasked; the third holds the last 10");
        });
    }

    [Test]
    public void Ask_MessageBackToASpanStillFull_WaitsForTheNextSpanWithoutReservingAgain()
    {
        var full = Full(Now - TimeSpan.FromSeconds(0.05)) with { Round = Now - TimeSpan.FromSeconds(0.05), Queued = 40 };

        var (state, grant) = BudgetLedger.Ask(full, Ask(scheduled: true, reserve: 10), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(full.OpeningAt + Rate.Span)));
            Assert.That(state.Queued, Is.EqualTo(40));
        });
    }

    [TestCase(1, true)]
    [TestCase(30, false)]
    public void Ask_AfterA429_NobodySendsBeforeThePauseEnds(int pauseSeconds, bool goesInProcess)
    {
        var paused = BudgetLedger.Pause(Open, Now + TimeSpan.FromSeconds(pauseSeconds), Rate, Now);

        var (_, grant) = BudgetLedger.Ask(paused, Ask(scheduled: true), Rate, Now);

        var end = Now + TimeSpan.FromSeconds(pauseSeconds);
        Assert.That(grant, goesInProcess ? Is.EqualTo(new BudgetGrant.Go(end, 1, end, Opens: true)) : Is.EqualTo(new BudgetGrant.Wait(end)), "the first call after a pause opens the span again");
    }

    [Test]
    public void Pause_ShorterThanTheOneInForce_ChangesNothing()
    {
        var paused = BudgetLedger.Pause(BudgetState.Empty, Now + TimeSpan.FromSeconds(30), Rate, Now);

        Assert.That(BudgetLedger.Pause(paused, Now + TimeSpan.FromSeconds(5), Rate, Now), Is.SameAs(paused));
    }

    [TestCase(3, 3)]
    [TestCase(900, 900)]
    [TestCase(901, 900)]
    [TestCase(99_999_999, 900)]
    public void Pause_RetryAfter_NobodySendsBeforeItEndsNorWaitsPastFifteenMinutes(double retryAfterSeconds, double pausedSeconds)
    {
        var paused = BudgetLedger.Pause(Open, Now + TimeSpan.FromSeconds(retryAfterSeconds), Rate, Now);

        var (_, grant) = BudgetLedger.Ask(paused, Ask(scheduled: true), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(paused.PausedUntil, Is.EqualTo(Now + TimeSpan.FromSeconds(pausedSeconds)));
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(paused.PausedUntil)));
        });
    }

    [Test]
    public void Pause_LongerThanTheRound_TheNextRoundBeginsWhenItEnds()
    {
        var waiting = Open with { Round = Now - TimeSpan.FromSeconds(1), Held = 20, Queued = 60 };

        var paused = BudgetLedger.Pause(waiting, Now + TimeSpan.FromSeconds(30), Rate, Now);
        var (_, newcomer) = BudgetLedger.Ask(paused, Ask(), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(paused.Round + Rate.Span, Is.EqualTo(Now + TimeSpan.FromSeconds(30)));
            Assert.That(newcomer, Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromSeconds(30) + (Rate.Span * 3), Reserved: true)), "behind the three rounds reserved, after the pause");
        });
    }

    [Test]
    public void Ask_ScheduleLongerThanAQueueMessageCanHide_WakesWithinSevenDays()
    {
        var weeks = Open with { Round = Now, Queued = 20 * 1_000_000 };

        var (_, grant) = BudgetLedger.Ask(weeks, Ask(), Rate, Now);

        Assert.That(((BudgetGrant.Wait)grant).Until - Now, Is.LessThan(TimeSpan.FromDays(7)));
    }

    [Test]
    public void Ask_UnusedCallsHandedBack_NoLongerCounted()
    {
        var (granted, _) = BudgetLedger.Ask(Open, Ask(ahead: 12), Rate, Now);

        var (state, _) = BudgetLedger.Ask(granted, Ask() with { Unused = 9, UnusedAt = Now }, Rate, Now + TimeSpan.FromMilliseconds(40));

        Assert.That(state.Granted.CallsAfter(Now - Rate.Span), Is.EqualTo(12 - 9 + 1));
    }

    [Test]
    public void Ask_LimitOnlyAssumed_WaitsBrieflyWithoutReservingAnything()
    {
        var assumed = BudgetRate.Of(BudgetState.Empty, null);
        var full = BudgetState.Empty with { Granted = GrantLog.None.Add(Now, assumed.Burst, assumed.Span), OpeningAt = Now, OpeningAnswered = true };

        var (state, grant) = BudgetLedger.Ask(full, Ask(reserve: 30), assumed, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + BudgetLedger.GuessedLimitWait)));
            Assert.That(state, Is.SameAs(full));
        });
    }

    [Test]
    public void Learn_StoriesStatesItsLimit_RememberedForEveryInstance()
    {
        var learned = BudgetLedger.Learn(BudgetState.Empty, 600);

        Assert.Multiple(() =>
        {
            Assert.That(BudgetRate.Of(learned, null), Is.EqualTo(new BudgetRate(600, TimeSpan.FromMinutes(1), "X-RateLimit-Limit")));
            Assert.That(BudgetRate.Of(BudgetState.Empty, null), Is.EqualTo(new BudgetRate(300, TimeSpan.FromMinutes(1), "default")));
            Assert.That(BudgetRate.Of(learned, new StoriesRateLimit(20, TimeSpan.FromSeconds(2))), Is.EqualTo(new BudgetRate(20, TimeSpan.FromSeconds(2), "setting")));
        });
    }

    [TestCase(20, 2.0, TestName = "Ask_AnyMixOfAsksOverTime_NoSpanHoldsMoreThanTheBurst(paced 20/2s)")]
    [TestCase(300, 60.0, TestName = "Ask_AnyMixOfAsksOverTime_NoSpanHoldsMoreThanTheBurst(bursts 300/1m)")]
    public void Ask_AnyMixOfAsksOverTime_NoSpanHoldsMoreThanTheBurst(int limit, double windowSeconds)
    {
        var rate = new BudgetRate(limit, TimeSpan.FromSeconds(windowSeconds), "setting");
        var (random, state, now) = (new Random(7), BudgetState.Empty, Now);
        var (sent, openings) = (new List<DateTimeOffset>(), new Queue<DateTimeOffset>());
        for (var i = 0; i < 20_000; i++)
        {
            now += TimeSpan.FromMilliseconds(random.Next(0, 30) * windowSeconds / 2);
            while (openings.TryPeek(out var opened) && opened + TimeSpan.FromMilliseconds(80) <= now)
            {
                state = BudgetLedger.Opened(state, openings.Dequeue(), limit - 1, limit, rate, now);
            }

            var calls = random.Next(1, 3);
            var ask = new BudgetAsk(calls, calls + random.Next(0, 40), random.Next(4) == 0, now, Ahead: calls + random.Next(0, 20));
            (state, var grant) = BudgetLedger.Ask(state, ask, rate, now);
            if (grant is BudgetGrant.Go go)
            {
                sent.AddRange(Enumerable.Repeat(go.At, go.Calls));
                if (go.Opens)
                {
                    openings.Enqueue(go.At);
                }
            }
        }

        sent.Sort();
        var (busiest, busiestWindow) = (Busiest(sent, rate.Span), Busiest(sent, rate.Window));
        Assert.Multiple(() =>
        {
            Assert.That(busiest, Is.LessThanOrEqualTo(rate.Burst), "calls granted in any span");
            Assert.That(busiestWindow, Is.LessThanOrEqualTo(limit).And.GreaterThanOrEqualTo(rate.Burst * 9 / 10), "Stories' window, used");
        });
    }

    /// <summary>The most calls in any window of length <paramref name="window"/>, over sorted times.</summary>
    private static int Busiest(List<DateTimeOffset> sorted, TimeSpan window)
    {
        var (most, from) = (0, 0);
        for (var to = 0; to < sorted.Count; to++)
        {
            while (sorted[to] >= sorted[from] + window)
            {
                from++;
            }

            most = Math.Max(most, to - from + 1);
        }

        return most;
    }
}
