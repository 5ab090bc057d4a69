using System.Globalization;

namespace StoriesFunctions.Tests.Costs;

/// <summary>How the bill writes numbers: invariant, thousands separated, money to the cent (to 0.01 ¢ below 10 ¢).</summary>
internal static class Figures
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Whole from 1,000 up (a scaled count is fractional, but 3,180,666.667 operations says nothing more).</summary>
    public static string Quantity(decimal value) => Math.Round(value, Math.Abs(value) >= 1_000 ? 0 : 3).ToString("#,0.###", Invariant);

    public static string Seconds(decimal value) => Math.Round(value, 3).ToString("#,0.0##", Invariant);

    public static string Price(decimal usd) => "$" + usd.ToString("#,0.00########", Invariant);

    public static string Usd(decimal usd) =>
        "$" + (Math.Abs(usd) >= 0.10m || usd == 0
            ? Math.Round(usd, 2).ToString("#,0.00", Invariant)
            : Math.Round(usd, 4).ToString("#,0.00##", Invariant));
}
