using StoriesFunctions.Charts;

namespace StoriesFunctions.Tests.Charts;

/// <summary>The scale's round top (its half round too) and how values read on it.</summary>
public class ChartUnitTests
{
    [TestCase(ChartUnit.Events, 0, 2)]
    [TestCase(ChartUnit.Events, 1, 2)]
    [TestCase(ChartUnit.Events, 3, 4)]
    [TestCase(ChartUnit.Events, 4.5, 10)]
    [TestCase(ChartUnit.Events, 11, 20)]
    [TestCase(ChartUnit.Events, 41, 100)]
    [TestCase(ChartUnit.Events, 1234, 2000)]
    [TestCase(ChartUnit.Seconds, 0, 10)]
    [TestCase(ChartUnit.Seconds, 45, 60)]
    [TestCase(ChartUnit.Seconds, 61, 120)]
    [TestCase(ChartUnit.Seconds, 3601, 7200)]
    [TestCase(ChartUnit.Seconds, 200_000, 345_600)]
    public void Top_Highest_IsTheNextRoundValue(ChartUnit unit, double highest, double top) =>
        Assert.That(unit.Top(highest), Is.EqualTo(top));

    [TestCase(ChartUnit.Events, 5, "5")]
    [TestCase(ChartUnit.Events, 2000, "2,000")]
    [TestCase(ChartUnit.Events, 20_000, "20k")]
    [TestCase(ChartUnit.Seconds, 30, "30 s")]
    [TestCase(ChartUnit.Seconds, 150, "2.5 min")]
    [TestCase(ChartUnit.Seconds, 5400, "1.5 h")]
    [TestCase(ChartUnit.Seconds, 172_800, "2 d")]
    public void Format_Value_ReadsInItsUnit(ChartUnit unit, double value, string text) =>
        Assert.That(unit.Format(value), Is.EqualTo(text));
}
