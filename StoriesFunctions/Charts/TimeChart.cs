using System.Globalization;
using System.Xml.Linq;

namespace StoriesFunctions.Charts;

/// <summary>One line of a <see cref="TimeChart"/>: its name in the legend, the key a script or test finds it by, its colour and values.</summary>
public sealed record ChartLine(string Name, string Key, string Colour, IReadOnlyList<double> Values, double Width = 1.5);

/// <summary>
/// A small line chart of equal time steps as SVG: a title and a legend, a zero line and a round top, times (UTC) along
/// the bottom every three hours, each value drawn at the middle of its step. With nothing but zeros it draws the frame
/// and says <see cref="Empty"/> instead of a flat line. <c>&lt;title&gt;</c> and <c>&lt;desc&gt;</c> (totals and peaks)
/// make it an accessible image. Attributes only, no style and no script, so a strict CSP needs to allow nothing for it.
/// </summary>
public sealed record TimeChart(string Id, string Title, ChartUnit Unit, string Empty, DateTimeOffset From, TimeSpan Step, IReadOnlyList<ChartLine> Lines)
{
    private const double Width = 380, Height = 190, Left = 46, Right = 372, Top = 44, Bottom = 162;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly TimeSpan TickEvery = TimeSpan.FromHours(3);

    public DateTimeOffset To => From + (Step * Steps);

    private int Steps => Lines.Count == 0 ? 0 : Lines.Max(l => l.Values.Count);

    public XElement ToSvg()
    {
        var highest = Lines.SelectMany(l => l.Values).DefaultIfEmpty(0).Max();
        var top = Unit.Top(highest);
        var svg = new XElement(Svg + "svg",
            new XAttribute("id", "chart-" + Id),
            new XAttribute("viewBox", $"0 0 {Number(Width)} {Number(Height)}"),
            new XAttribute("role", "img"),
            new XAttribute("aria-labelledby", $"chart-{Id}-title chart-{Id}-desc"),
            new XAttribute("font-size", "11"),
            new XElement(Svg + "title", new XAttribute("id", $"chart-{Id}-title"), $"{Title}, the last 24 hours to {Time(To)} UTC"),
            new XElement(Svg + "desc", new XAttribute("id", $"chart-{Id}-desc"), highest > 0 ? string.Join(" ", Lines.Select(Describe)) : Empty + "."),
            Text(0, 14, Title, ("font-weight", "600")));
        svg.Add(Legend());
        svg.Add(Scale(top));
        svg.Add(TimeAxis());
        if (highest > 0)
        {
            svg.Add(Lines.Select(line => Polyline(line, top)));
        }
        else
        {
            svg.Add(Text((Left + Right) / 2, (Top + Bottom) / 2, Empty, ("text-anchor", "middle"), ("fill", "#667085")));
        }

        return svg;
    }

    private IEnumerable<XElement> Legend()
    {
        var x = 0.0;
        foreach (var line in Lines)
        {
            yield return Line(x, 30, x + 14, 30, line.Colour, line.Width);
            yield return Text(x + 18, 34, line.Name);
            x += 18 + (line.Name.Length * 6.5) + 14;
        }
    }

    private IEnumerable<XElement> Scale(double top)
    {
        foreach (var value in new[] { top / 2, top })
        {
            yield return Line(Left, Y(value, top), Right, Y(value, top), "#e4e7ec", 1);
            yield return Text(Left - 4, Y(value, top) + 4, Unit.Format(value), ("text-anchor", "end"), ("fill", "#667085"));
        }

        yield return Line(Left, Bottom, Right, Bottom, "#667085", 1);
        yield return Text(Left - 4, Bottom + 4, "0", ("text-anchor", "end"), ("fill", "#667085"));
    }

    private IEnumerable<XElement> TimeAxis()
    {
        yield return Text(0, Bottom + 14, "UTC", ("fill", "#667085"), ("font-size", "10"));
        var past = From.UtcTicks % TickEvery.Ticks;
        var first = new DateTimeOffset(From.UtcTicks + (past == 0 ? 0 : TickEvery.Ticks - past), TimeSpan.Zero);
        for (var tick = first; tick <= To; tick += TickEvery)
        {
            var x = X(tick);
            var anchor = x + 14 > Width ? "end" : "middle";
            yield return Line(x, Bottom, x, Bottom + 4, "#667085", 1);
            yield return Text(x, Bottom + 14, Time(tick), ("text-anchor", anchor), ("fill", "#667085"), ("font-size", "10"));
        }
    }

    private XElement Polyline(ChartLine line, double top) =>
        new(Svg + "polyline",
            new XAttribute("data-series", line.Key),
            new XAttribute("points", string.Join(" ", line.Values.Select((v, i) => Point(X(From + (Step * (i + 0.5))), Y(v, top))))),
            new XAttribute("fill", "none"),
            new XAttribute("stroke", line.Colour),
            new XAttribute("stroke-width", Number(line.Width)),
            new XAttribute("stroke-linejoin", "round"));

    private string Describe(ChartLine line)
    {
        var peak = line.Values.Select((v, i) => (Value: v, Index: i)).MaxBy(p => p.Value);
        if (peak.Value <= 0)
        {
            return $"{line.Name}: none.";
        }

        var when = Time(From + (Step * peak.Index));
        return Unit switch
        {
            ChartUnit.Events => string.Create(CultureInfo.InvariantCulture, $"{line.Name}: {line.Values.Sum():#,0} in all, at most {peak.Value:#,0} in {Step.TotalMinutes:0} minutes (at {when} UTC)."),
            ChartUnit.Seconds => $"{line.Name}: at most {Unit.Format(peak.Value)} (at {when} UTC).",
        };
    }

    private double X(DateTimeOffset at) => Left + ((Right - Left) * ((at - From) / (To - From)));

    private static double Y(double value, double top) => Bottom - ((Bottom - Top) * (value / top));

    private static XElement Line(double x1, double y1, double x2, double y2, string colour, double width) =>
        new(Svg + "line", new XAttribute("x1", Number(x1)), new XAttribute("y1", Number(y1)), new XAttribute("x2", Number(x2)), new XAttribute("y2", Number(y2)),
            new XAttribute("stroke", colour), new XAttribute("stroke-width", Number(width)));

    private static XElement Text(double x, double y, string text, params (string Name, string Value)[] attributes) =>
        new(Svg + "text", new XAttribute("x", Number(x)), new XAttribute("y", Number(y)), attributes.Select(a => new XAttribute(a.Name, a.Value)), text);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Point(double x, double y) => Number(x) + "," + Number(y);

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
