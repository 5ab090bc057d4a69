namespace StoriesFunctions.Tests.Costs;

/// <summary>A billing month as this model counts it: 730 hours, the month Azure's pricing calculator uses.</summary>
public static class BillingMonth
{
    public const decimal Hours = 730m;

    public const decimal Seconds = Hours * 3_600m;

    public const decimal Minutes = Hours * 60m;
}
