using System.Text;

namespace StoriesFunctions.Tests.Costs;

/// <summary>One line of a bill, with its arithmetic written out, before and after the free grants.</summary>
public sealed record BillLine(string Item, string Arithmetic, decimal BeforeGrants, decimal Usd)
{
    /// <summary>
    /// A metered line: <paramref name="used"/> units, less what the free grant still covers, at
    /// <paramref name="price"/> per <paramref name="per"/> units. For example
    /// "1,000,000 periods × 1.0 s × 0.5 GB = 500,000 GB-s − 100,000 free = 400,000 × $0.000026 = $10.40".
    /// </summary>
    public static BillLine Metered(string item, string? quantity, decimal used, string unit, decimal free, decimal price, decimal per = 1)
    {
        var billable = Math.Max(0, used - free);
        var usd = billable * price / per;
        var text = new StringBuilder();
        if (quantity is not null)
        {
            text.Append(quantity).Append(" = ");
        }

        text.Append(Figures.Quantity(used)).Append(' ').Append(unit);
        if (free > 0)
        {
            text.Append(" − ").Append(Figures.Quantity(free)).Append(" free = ").Append(Figures.Quantity(billable));
        }

        text.Append(" × ").Append(Figures.Price(price)).Append(PerText(per)).Append(" = ").Append(Figures.Usd(usd));
        return new BillLine(item, text.ToString(), used * price / per, usd);
    }

    private static string PerText(decimal per) => per switch
    {
        1m => "",
        1_000_000m => " per million",
        _ => $" per {Figures.Quantity(per)}",
    };
}
