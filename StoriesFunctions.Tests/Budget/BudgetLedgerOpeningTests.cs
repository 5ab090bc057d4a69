using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// A long span opens with one event's calls, and the rest of its burst keeps to what Stories' answer says its window has
/// left: a burst never runs into a window that another client, or a window longer than assumed, has filled.
/// </summary>
public class BudgetLedgerOpeningTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    // Stories' 300 a minute: bursts of 293 in any 61.68 s, each span opened by one call.
    private static readonly BudgetRate Rate = new(300, TimeSpan.FromMinutes(1), "X-RateLimit-Limit");

    private static BudgetAsk Ask(int calls = 1, bool scheduled = false, int ahead = 400) => new(calls, 400, scheduled, Now.AddMinutes(-1), Ahead: ahead);

    private static BudgetState Opened(int calls = 2) => BudgetLedger.Ask(BudgetState.Empty, Ask(calls), Rate, Now).State;

    [Test]
    public void Ask_SpanOpens_WithThisEventsCallsAloneWhateverItAskedAhead()
    {
        var (state, grant) = BudgetLedger.Ask(BudgetState.Empty, Ask(calls: 2), Rate, Now);

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now, 2, Now, Opens: true)), "nothing ahead: no credit beyond the opening call's event");
            Assert.That((state.OpeningAt, state.OpeningAnswered), Is.EqualTo((Now, false)));
        });
    }

    [Test]
    public void Ask_OpeningCallNotAnsweredYet_OthersAskAgainInAMoment()
    {
        var opened = Opened();

        var (state, grant) = BudgetLedger.Ask(opened, Ask(), Rate, Now + TimeSpan.FromMilliseconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(Now + TimeSpan.FromMilliseconds(30) + BudgetLedger.OpeningRecheck)));
            Assert.That(state.Granted.CallsAfter(Now - Rate.Span), Is.EqualTo(2), "nothing granted meanwhile");
        });
    }

    [Test]
    public void Opened_StoriesWindowFresh_TheRestOfTheBurstGoesAtOnce()
    {
        var answered = BudgetLedger.Opened(Opened(), Now, remaining: 299, limit: 300, Rate, Now + TimeSpan.FromMilliseconds(80));

        var (_, grant) = BudgetLedger.Ask(answered, Ask(), Rate, Now + TimeSpan.FromMilliseconds(90));

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now + TimeSpan.FromMilliseconds(90), Rate.Burst - 2, Now + TimeSpan.FromMilliseconds(90) + Rate.Credit)));
    }

    [Test]
    public void Opened_StoriesWindowHoldsCallsWeDidNotSend_TheBurstKeepsToWhatIsLeftForASpan()
    {
        var answered = BudgetLedger.Opened(Opened(), Now, remaining: 50, limit: 300, Rate, Now + TimeSpan.FromMilliseconds(80));

        var (state, first) = BudgetLedger.Ask(answered, Ask(), Rate, Now + TimeSpan.FromMilliseconds(90));
        var (_, next) = BudgetLedger.Ask(state, Ask(scheduled: true), Rate, Now + TimeSpan.FromMilliseconds(100));

        Assert.Multiple(() =>
        {
            // 50 left, less the 7 held back, less the opening event's two calls (Stories counted the first one as well:
            // counted twice, on the safe side).
            Assert.That(((BudgetGrant.Go)first).Calls, Is.EqualTo(50 - Rate.Reserve - 2));
            Assert.That(next, Is.EqualTo(new BudgetGrant.Wait(Now + Rate.Span)), "until the next span opens, to ask Stories again");
        });
    }

    [Test]
    public void Opened_AnswerToAnEarlierOpening_ChangesNothing()
    {
        var opened = Opened();

        Assert.That(BudgetLedger.Opened(opened, Now - Rate.Span, remaining: 0, limit: 300, Rate, Now), Is.SameAs(opened));
    }

    [Test]
    public void Ask_OpeningNeverAnswered_TheBurstGoesAfterThePatience()
    {
        var later = Now + BudgetLedger.OpeningPatience;

        var (_, grant) = BudgetLedger.Ask(Opened(), Ask(), Rate, later);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(later, Rate.Burst - 2, later + Rate.Credit)));
    }

    [Test]
    public void NotOpened_OpeningCallNeverSent_TheNextGrantOpensTheSpan()
    {
        var unsent = BudgetLedger.NotOpened(Opened(), Now, Rate);

        var (_, grant) = BudgetLedger.Ask(unsent, Ask(), Rate, Now + TimeSpan.FromMilliseconds(20));

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now + TimeSpan.FromMilliseconds(20), 1, Now + TimeSpan.FromMilliseconds(20), Opens: true)));
    }

    [Test]
    public void Ask_BackForTheNextRound_OpensItWhenTheOpeningCallStopsCounting()
    {
        var answered = BudgetLedger.Opened(Opened(), Now, remaining: 299, limit: 300, Rate, Now + TimeSpan.FromMilliseconds(80));
        var full = BudgetLedger.Ask(answered, Ask(), Rate, Now + TimeSpan.FromMilliseconds(90)).State;

        var (_, grant) = BudgetLedger.Ask(full, Ask(scheduled: true), Rate, Now + Rate.Span - BudgetLedger.WakeEarly);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now + Rate.Span, 1, Now + Rate.Span, Opens: true)), "it waits in-process for it");
    }

    [Test]
    public void Ask_PauseEndedSinceTheSpanOpened_TheFirstGrantOpensAgain()
    {
        var answered = BudgetLedger.Opened(Opened(), Now, remaining: 299, limit: 300, Rate, Now + TimeSpan.FromMilliseconds(80));
        var paused = BudgetLedger.Pause(answered, Now + TimeSpan.FromSeconds(10), Rate, Now + TimeSpan.FromSeconds(1));

        var (_, grant) = BudgetLedger.Ask(paused, Ask(scheduled: true), Rate, Now + TimeSpan.FromSeconds(9));

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Go(Now + TimeSpan.FromSeconds(10), 1, Now + TimeSpan.FromSeconds(10), Opens: true)));
    }

    [Test]
    public void Ask_BackEarlyWhileTheNextSpanOpens_WaitsInProcessForTheOpeningNotForARound()
    {
        // A full span (opening call, then the burst 100 ms later); another message just opened the next one.
        var answered = BudgetLedger.Opened(Opened(), Now, remaining: 299, limit: 300, Rate, Now + TimeSpan.FromMilliseconds(80));
        var full = BudgetLedger.Ask(answered, Ask(), Rate, Now + TimeSpan.FromMilliseconds(100)).State;
        var early = Now + Rate.Span - BudgetLedger.WakeEarly;
        var opening = BudgetLedger.Ask(full, Ask(scheduled: true), Rate, early).State;

        // Its room comes with the burst's calls, 2.1 s away: past the in-process wait, but part of this span's opening.
        var (_, grant) = BudgetLedger.Ask(opening, Ask(scheduled: true), Rate, early);

        Assert.That(grant, Is.EqualTo(new BudgetGrant.Wait(early + BudgetLedger.MaxWait)), "asks again in-process, not a round later");
    }
}
