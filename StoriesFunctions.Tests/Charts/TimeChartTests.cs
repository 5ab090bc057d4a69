using System.Globalization;
using System.Xml.Linq;
using StoriesFunctions.Charts;

namespace StoriesFunctions.Tests.Charts;

/// <summary>One chart as the console inserts it: an accessible SVG image, readable axes, and nothing a strict CSP refuses.</summary>
public class TimeChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly DateTimeOffset From = new(2030, 3, 3, 12, 40, 0, TimeSpan.Zero);
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);

    private static TimeChart Chart(params ChartLine[] lines) => new("events", "Events per 5 min", ChartUnit.Events, "No events in the last day", From, Five, lines);

    private static double[] Day(params (int Index, double Value)[] values)
    {
        var day = new double[288];
        foreach (var (index, value) in values)
        {
            day[index] = value;
        }

        return day;
    }

    private static List<(double X, double Y)> Points(XElement svg, string key) =>
        [.. svg.Descendants(Svg + "polyline").Single(p => (string?)p.Attribute("data-series") == key).Attribute("points")!.Value
            .Split(' ').Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];

    private static List<string> Texts(XElement svg) => [.. svg.Elements(Svg + "text").Select(t => t.Value)];

    [Test]
    public void ToSvg_AnyChart_IsAnImageLabelledByItsTitleAndDescription()
    {
        var svg = Chart(new ChartLine("In", "received", "#000", Day((3, 7)))).ToSvg();

        var labels = svg.Attribute("aria-labelledby")!.Value.Split(' ');
        Assert.Multiple(() =>
        {
            Assert.That(svg.Attribute("role")?.Value, Is.EqualTo("img"));
            Assert.That(svg.Element(Svg + "title")?.Attribute("id")?.Value, Is.EqualTo(labels[0]));
            Assert.That(svg.Element(Svg + "title")?.Value, Is.EqualTo("Events per 5 min, the last 24 hours to 12:40 UTC"));
            Assert.That(svg.Element(Svg + "desc")?.Attribute("id")?.Value, Is.EqualTo(labels[1]));
        });
    }

    [Test]
    public void ToSvg_TwoLines_EachTotalAndPeakInTheDescriptionAndTheLegend()
    {
        var svg = Chart(new ChartLine("In", "received", "#000", Day((3, 7), (200, 17))), new ChartLine("Delivered", "delivered", "#00f", Day())).ToSvg();

        Assert.Multiple(() =>
        {
            Assert.That(svg.Element(Svg + "desc")?.Value, Is.EqualTo("In: 24 in all, at most 17 in 5 minutes (at 05:20 UTC). Delivered: none."));
            Assert.That(Texts(svg), Does.Contain("In").And.Contain("Delivered"));
        });
    }

    [Test]
    public void ToSvg_ValuesOfADay_OnePointAMiddleOfStepFromTheZeroLineToTheRoundTop()
    {
        var svg = Chart(new ChartLine("In", "received", "#000", Day((0, 20), (287, 10)))).ToSvg();

        var points = Points(svg, "received");
        var zero = svg.Elements(Svg + "line").Single(l => (string?)l.Attribute("stroke") == "#667085" && l.Attribute("y1")!.Value == l.Attribute("y2")!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(points, Has.Count.EqualTo(288));
            Assert.That(points[0].X, Is.GreaterThan(double.Parse(zero.Attribute("x1")!.Value, CultureInfo.InvariantCulture)));
            Assert.That(points[^1].X, Is.LessThan(double.Parse(zero.Attribute("x2")!.Value, CultureInfo.InvariantCulture)));
            Assert.That(points[1].Y, Is.EqualTo(double.Parse(zero.Attribute("y1")!.Value, CultureInfo.InvariantCulture)), "a step without rows lies on the zero line");
            Assert.That(points[0].Y, Is.LessThan(points[^1].Y), "20 is drawn above 10");
            Assert.That(Texts(svg), Does.Contain("0").And.Contain("10").And.Contain("20"), "the zero, half and top of the scale");
        });
    }

    [Test]
    public void ToSvg_ADayFrom1240_TimesInUtcEveryThreeHours()
    {
        var svg = Chart(new ChartLine("In", "received", "#000", Day((3, 7)))).ToSvg();

        Assert.That(Texts(svg).Where(t => t.Contains(':', StringComparison.Ordinal) || t == "UTC"),
            Is.EqualTo(new[] { "UTC", "15:00", "18:00", "21:00", "00:00", "03:00", "06:00", "09:00", "12:00" }));
    }

    [Test]
    public void ToSvg_OnlyZeros_SaysSoInsteadOfAFlatLine()
    {
        var svg = Chart(new ChartLine("In", "received", "#000", Day())).ToSvg();

        Assert.Multiple(() =>
        {
            Assert.That(svg.Descendants(Svg + "polyline"), Is.Empty);
            Assert.That(Texts(svg), Does.Contain("No events in the last day"));
            Assert.That(svg.Element(Svg + "desc")?.Value, Is.EqualTo("No events in the last day."));
        });
    }

    [Test]
    public void ToSvg_AnyChart_HoldsNothingTheConsolesCspRefuses()
    {
        var svg = Chart(new ChartLine("In", "received", "#000", Day((3, 7)))).ToSvg();

        var everything = svg.DescendantsAndSelf().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(everything.Select(e => e.Name.LocalName), Has.None.EqualTo("script").And.None.EqualTo("style").And.None.EqualTo("foreignObject"));
            Assert.That(everything.SelectMany(e => e.Attributes()).Select(a => a.Name.LocalName), Has.None.EqualTo("style").And.None.StartWith("on").And.None.EqualTo("href"));
        });
    }
}
