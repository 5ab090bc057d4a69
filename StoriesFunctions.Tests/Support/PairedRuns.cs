using System.Globalization;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// Paired measurements of a code path and its lower bound, taken alternately in the same run, and the three ways a
/// skeptic reads their ratio: the ratio of the medians, the median of the paired ratios, and the paired ratios' range.
/// When the first two disagree, the pairs are noisy and neither alone is the answer. Shared by the benchmarks project
/// (linked) and the host-level benchmark.
/// </summary>
internal sealed class PairedRuns
{
    private readonly List<(double Measured, double Bound)> _pairs = [];

    public int Count => _pairs.Count;

    public IEnumerable<double> Measured => _pairs.Select(p => p.Measured);

    public IEnumerable<double> Bound => _pairs.Select(p => p.Bound);

    public IEnumerable<double> Ratios => _pairs.Select(p => p.Measured / p.Bound);

    public double RatioOfMedians => Median(Measured) / Median(Bound);

    public double MedianOfRatios => Median(Ratios);

    public void Add(double measured, double bound) => _pairs.Add((measured, bound));

    public static double Median(IEnumerable<double> values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile; NaN for no values.</summary>
    public static double Percentile(IEnumerable<double> values, double percent)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>"1.40× ratio of medians, 1.18× median of paired ratios, 0.84–1.86× range (10 pairs)".</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{RatioOfMedians:0.00}× ratio of medians, {MedianOfRatios:0.00}× median of paired ratios, {Ratios.Min():0.00}–{Ratios.Max():0.00}× range ({Count} pairs)");
}
