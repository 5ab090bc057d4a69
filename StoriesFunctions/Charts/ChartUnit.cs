using System.Globalization;

namespace StoriesFunctions.Charts;

/// <summary>What a chart's values count: it sets the round top of the scale and how a value reads.</summary>
public enum ChartUnit
{
    Events,
    Seconds,
}

internal static class ChartUnits
{
    // Tops whose halves read as round durations too: 5 s, 15 s, 30 s, 1 min, 2.5 min, 5 min, 15 min, 30 min, 1 h ...
    private static readonly double[] SecondsTops = [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800];

    /// <summary>The top of the scale: the first round value at or above <paramref name="highest"/>, whose half is round too.</summary>
    public static double Top(this ChartUnit unit, double highest) => unit switch
    {
        ChartUnit.Events => EventsTop(highest),
        ChartUnit.Seconds => SecondsTops.FirstOrDefault(top => top >= highest, Math.Ceiling(highest / 172800) * 172800),
    };

    public static string Format(this ChartUnit unit, double value) => unit switch
    {
        ChartUnit.Events => value >= 10_000
            ? (value / 1000).ToString("#,0.#", CultureInfo.InvariantCulture) + "k"
            : value.ToString("#,0.#", CultureInfo.InvariantCulture),
        ChartUnit.Seconds => Duration(value),
    };

    private static double EventsTop(double highest)
    {
        // 2, 4, 10, 20, 40, 100, ...: their halves (1, 2, 5, 10, 20, 50) are whole events.
        for (var scale = 1.0; ; scale *= 10)
        {
            foreach (var step in (ReadOnlySpan<double>)[2, 4, 10])
            {
                if (step * scale >= highest)
                {
                    return step * scale;
                }
            }
        }
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 60 => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s",
        < 3600 => (seconds / 60).ToString("0.#", CultureInfo.InvariantCulture) + " min",
        < 86400 => (seconds / 3600).ToString("0.#", CultureInfo.InvariantCulture) + " h",
        _ => (seconds / 86400).ToString("0.#", CultureInfo.InvariantCulture) + " d",
    };
}
