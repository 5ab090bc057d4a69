using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>The sliding log of calls granted: what counts when, and how it stays small without ever counting a call too briefly.</summary>
public class GrantLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Span = TimeSpan.FromSeconds(60);

    [TestCase(0, 10, 0.0)]
    [TestCase(5, 10, 0.0)]
    [TestCase(6, 10, 60.0)]
    [TestCase(8, 10, 60.0)]
    [TestCase(9, 10, 70.0)]
    [TestCase(11, 10, double.PositiveInfinity)]
    public void EarliestRoom_CallsOverTheBurst_WhenEnoughOfTheOldestStopCounting(int calls, int burst, double seconds)
    {
        // 3 calls at 0 s, 2 at 10 s: 5 of a burst of 10.
        var log = GrantLog.None.Add(Now, 3, Span).Add(Now + TimeSpan.FromSeconds(10), 2, Span);

        var at = log.EarliestRoom(calls, burst, Span, Now + TimeSpan.FromSeconds(10));

        Assert.That(at, double.IsPositiveInfinity(seconds) ? Is.EqualTo(DateTimeOffset.MaxValue) : Is.EqualTo(Now + TimeSpan.FromSeconds(Math.Max(seconds, 10))));
    }

    [Test]
    public void Add_ManyGroups_MergedIntoLaterOnesSoNoCallCountsLessLong()
    {
        var log = GrantLog.None;
        for (var i = 0; i < 100; i++)
        {
            log = log.Add(Now + TimeSpan.FromMilliseconds(i * 500), 1, Span);
        }

        Assert.Multiple(() =>
        {
            Assert.That(log.Groups, Is.LessThanOrEqualTo(GrantLog.MaxGroups));
            Assert.That(log.CallsAfter(Now - TimeSpan.FromTicks(1)), Is.EqualTo(100), "every call still counts");
            for (var i = 0; i < 100; i++)
            {
                Assert.That(log.CallsAfter(Now + TimeSpan.FromMilliseconds(i * 500) - TimeSpan.FromTicks(1)), Is.GreaterThanOrEqualTo(100 - i), "a call counts at least until its own time plus the span");
            }
        });
    }

    [Test]
    public void Add_CallsOlderThanASpan_Forgotten()
    {
        var log = GrantLog.None.Add(Now, 5, Span).Add(Now + Span + TimeSpan.FromSeconds(1), 1, Span);

        Assert.That((log.Groups, log.CallsAfter(DateTimeOffset.MinValue)), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Remove_UnsentCalls_TakenFromTheirGroupOnly()
    {
        var log = GrantLog.None.Add(Now, 5, Span).Add(Now + TimeSpan.FromSeconds(5), 4, Span);

        var back = log.Remove(Now, 3, TimeSpan.FromSeconds(1));
        var tooLate = log.Remove(Now - TimeSpan.FromSeconds(2), 3, TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(back.CallsAfter(Now - TimeSpan.FromTicks(1)), Is.EqualTo(6));
            Assert.That(back.CallsAfter(Now), Is.EqualTo(4), "the later grant keeps its calls");
            Assert.That(tooLate.CallsAfter(DateTimeOffset.MinValue), Is.EqualTo(9), "a group no longer there is not looked for in later ones");
        });
    }

    [Test]
    public void ToStringAndParse_RoundTrip_TimesRoundedUpToTheMillisecond()
    {
        var log = GrantLog.None.Add(Now + TimeSpan.FromTicks(1), 3, Span).Add(Now + TimeSpan.FromSeconds(2), 4, Span);

        var parsed = GrantLog.Parse(log.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(parsed.ToString(), Is.EqualTo(log.ToString()));
            Assert.That(parsed.CallsAfter(Now + TimeSpan.FromTicks(1)), Is.EqualTo(7), "never earlier than granted");
            Assert.That(GrantLog.Parse("junk;1:x;").Groups, Is.Zero);
        });
    }
}
