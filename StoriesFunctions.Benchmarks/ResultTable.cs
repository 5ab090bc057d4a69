using System.Globalization;

namespace StoriesFunctions.Benchmarks;

/// <summary>The final table both modes print: figure, measured, lower bound, ratio, target, met?</summary>
internal sealed class ResultTable
{
    private readonly List<string[]> _rows = [];

    public void Add(string figure, string measured, string lowerBound, double? ratio, string target, bool? met) =>
        _rows.Add([
            figure,
            measured,
            lowerBound,
            ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—",
            target,
            met switch { true => "yes", false => "NO", null => "—" },
        ]);

    public void Print()
    {
        string[] header = ["figure", "measured", "lower bound", "ratio", "target", "met?"];
        var widths = header.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine();
        Console.WriteLine(Line(header, widths));
        Console.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray(), widths));
        foreach (var row in _rows)
        {
            Console.WriteLine(Line(row, widths));
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        "| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |";
}
