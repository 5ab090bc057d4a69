using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>The wait after a lost write to the budget row, as a table: doubling from 5–10 ms, never past a second.</summary>
public class BudgetBackoffTests
{
    [TestCase(1, 0.0, 5)]
    [TestCase(1, 0.999, 10)]
    [TestCase(2, 0.0, 10)]
    [TestCase(4, 0.5, 60)]
    [TestCase(7, 0.999, 640)]
    [TestCase(8, 0.0, 500)]
    [TestCase(8, 0.999, 1_000)]
    [TestCase(1_000, 0.999, 1_000)]
    public void Delay_NthConflictInARow_DoublesWithJitterUpToASecond(int conflicts, double random, double milliseconds) =>
        Assert.That(BudgetBackoff.Delay(conflicts, random).TotalMilliseconds, Is.EqualTo(milliseconds).Within(1));

    [Test]
    public void Delay_ManyWritersAfterTheSameConflict_DoNotRetryInStep()
    {
        var random = new Random(3);

        var delays = Enumerable.Range(0, 40).Select(_ => BudgetBackoff.Delay(3, random.NextDouble())).ToList();

        Assert.That(delays.Max() - delays.Min(), Is.GreaterThan(TimeSpan.FromMilliseconds(15)), "spread over the upper half of 20–40 ms");
    }
}
