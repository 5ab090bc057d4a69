namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// A month's bill, computed from the month's whole usage at once: each free grant is applied once, to everything the
/// month used, never per recording or per line.
/// </summary>
public sealed record MonthlyBill(IReadOnlyList<BillLine> Lines)
{
    public decimal Total => Lines.Sum(l => l.Usd);

    public decimal TotalBeforeGrants => Lines.Sum(l => l.BeforeGrants);

    public static MonthlyBill For(Usage month, Deployment deployment, Prices prices) =>
        new([
            .. ComputeLines.For(month, deployment, prices),
            .. StorageLines(month.Storage, prices),
            TelemetryLine(month.TelemetryBytes, prices),
            .. AlertLines(deployment.Alerts, prices),
        ]);

    private static IEnumerable<BillLine> StorageLines(StorageOperations storage, Prices prices)
    {
        yield return BillLine.Metered("Queue class-2 operations", null, storage.QueueClass2, "operations", 0, prices.QueueClass2Per10K, 10_000);
        yield return BillLine.Metered("Table transactions", null, storage.TableTransactions, "transactions", 0, prices.TableTransactionsPer10K, 10_000);
        if (storage.BlobWrites > 0)
        {
            yield return BillLine.Metered("Blob write operations", null, storage.BlobWrites, "operations", 0, prices.BlobWritesPer10K, 10_000);
        }

        if (storage.BlobReads > 0)
        {
            yield return BillLine.Metered("Blob read operations", null, storage.BlobReads, "operations", 0, prices.BlobReadsPer10K, 10_000);
        }
    }

    /// <summary>Bytes as received, not as billed: the billed size is "around 25 percent less than the incoming data
    /// size" (cost-logs), so this line is an upper bound.</summary>
    private static BillLine TelemetryLine(decimal bytes, Prices prices) =>
        BillLine.Metered("Telemetry ingestion", $"{Figures.Quantity(bytes)} bytes", bytes / 1_000_000_000m, "GB", prices.LogFreeGb, prices.LogIngestionPerGb);

    private static IEnumerable<BillLine> AlertLines(IReadOnlyList<AlertRule> rules, Prices prices) =>
        rules.GroupBy(r => (r.Kind, r.Frequency, Usd: r.MonthlyUsd(prices)))
            .Select(g =>
            {
                var usd = g.Sum(r => r.MonthlyUsd(prices));
                var what = g.Key.Kind switch
                {
                    AlertKind.LogSearch => $"{g.Count()} log search rules every {g.Key.Frequency.TotalMinutes:0} min × {Figures.Price(g.Key.Usd)}",
                    AlertKind.Metric => $"{g.Sum(r => r.TimeSeries)} monitored time series × {Figures.Price(prices.MetricAlertPerTimeSeries)}",
                };
                return new BillLine("Alert rules", $"{what} = {Figures.Usd(usd)}", usd, usd);
            });
}
