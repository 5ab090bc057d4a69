using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>The wait after a lost write to the budget row, as a table: from 5 ms to a ceiling doubling from 10 ms to a second.</summary>
public class BudgetBackoffTests
{
    [TestCase(1, 0.0, 5)]
    [TestCase(1, 0.999, 10)]
    [TestCase(2, 0.999, 20)]
    [TestCase(4, 0.5, 42.5)]
    [TestCase(7, 0.999, 640)]
    [TestCase(8, 0.0, 5)]
    [TestCase(8, 0.999, 1_000)]
    [TestCase(1_000, 0.999, 1_000)]
    public void Delay_NthConflictInARow_DoublesWithJitterUpToASecond(int conflicts, double random, double milliseconds) =>
        Assert.That(BudgetBackoff.Delay(conflicts, random).TotalMilliseconds, Is.EqualTo(milliseconds).Within(1));

    [Test]
    public void Delay_ManyWritersAfterTheSameConflict_DoNotRetryInStep()
    {
        var random = new Random(3);

        var delays = Enumerable.Range(0, 40).Select(_ => BudgetBackoff.Delay(3, random.NextDouble())).ToList();

        Assert.That(delays.Max() - delays.Min(), Is.GreaterThan(TimeSpan.FromMilliseconds(15)), "spread over 5–40 ms");
    }
}
