using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>How each limit is spent: the burst, the span it may fill, the margin against late or early calls, as a table.</summary>
public class BudgetRateTests
{
    [TestCase(300, 60, 293, 61.68, true, TestName = "Stories' 300 a minute: 7 calls held back, 1.7 s of margin")]
    [TestCase(600, 60, 585, 61.58, true)]
    [TestCase(40, 12, 39, 12.32, true)]
    [TestCase(60, 12, 59, 12.42, true)]
    [TestCase(20, 2, 20, 2.105, false, TestName = "20 every 2 s: nothing held back, 105 ms of margin, paced")]
    [TestCase(10, 1, 10, 1.053, false)]
    [TestCase(1, 1, 1, 1.053, false)]
    public void Rate_Limit_BurstAndSpanKeepTheLongRunPace(int limit, double windowSeconds, int burst, double spanSeconds, bool bursts)
    {
        var rate = new BudgetRate(limit, TimeSpan.FromSeconds(windowSeconds), "setting");

        Assert.Multiple(() =>
        {
            Assert.That(rate.Burst, Is.EqualTo(burst));
            Assert.That(rate.Span.TotalSeconds, Is.EqualTo(spanSeconds).Within(0.005));
            Assert.That(rate.CallsPerSecond, Is.EqualTo(limit * BudgetRate.Pace / windowSeconds).Within(1e-6).And.LessThanOrEqualTo(limit * BudgetRate.Pace / windowSeconds), "95 % of the limit in the long run, as when calls were spaced");
            Assert.That(rate.Credit, Is.EqualTo(rate.Margin / 2));
            Assert.That(rate.Bursts, Is.EqualTo(bursts));
        });
    }
}
