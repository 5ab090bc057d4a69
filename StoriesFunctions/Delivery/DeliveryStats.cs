using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Delivery;

/// <summary>Events in, delivered, retried and dead-lettered over a span of time, across every instance.</summary>
public sealed record DeliveryCounts(long Received, long Delivered, long Retried, long DeadLettered);

/// <summary>
/// The console's counts, kept in the app's own storage so that they need no Application Insights query: this instance
/// listens to its own counters (<see cref="ForwarderMetrics"/>), sums them per minute, and every 10 s writes its minutes
/// to <c>deliverystats</c> (one row per minute and instance). Reading sums the rows of the last hour or day. Rows older
/// than two days are dropped by the hourly retention timer.
/// </summary>
public sealed class DeliveryStats(TableServiceClient tables, TimeProvider time) : BackgroundService
{
    public const string TableName = "deliverystats";

    /// <summary>The four counts' columns, in the order of <see cref="DeliveryCounts"/>.</summary>
    internal static readonly string[] Columns = ["Received", "Delivered", "Retried", "DeadLettered"];
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(10);
    private static readonly string Instance =
        Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID") is { Length: > 0 } id ? id[..Math.Min(id.Length, 32)] : $"{Environment.MachineName}-{Environment.ProcessId}";

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private readonly ConcurrentDictionary<string, long[]> _minutes = new();
    private readonly MeterListener _listener = new();

    public async Task<(DeliveryCounts LastHour, DeliveryCounts LastDay)> ReadAsync(CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var (hourFrom, dayFrom) = (Minute(now.AddHours(-1)), Minute(now.AddDays(-1)));
        var (hour, day) = (new long[4], new long[4]);
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey gt {dayFrom}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var counts = Array.ConvertAll(Columns, column => row.GetInt64(column) ?? 0);
            for (var i = 0; i < 4; i++)
            {
                day[i] += counts[i];
                hour[i] += string.CompareOrdinal(row.PartitionKey, hourFrom) > 0 ? counts[i] : 0;
            }
        }

        return (new(hour[0], hour[1], hour[2], hour[3]), new(day[0], day[1], day[2], day[3]));
    }

    /// <summary>Writes this instance's minutes; a minute that has passed is dropped from memory once written.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var current = Minute(time.GetUtcNow());
        foreach (var (minute, counts) in _minutes)
        {
            var entity = new TableEntity(minute, Instance)
            {
                ["Received"] = Interlocked.Read(ref counts[0]),
                ["Delivered"] = Interlocked.Read(ref counts[1]),
                ["Retried"] = Interlocked.Read(ref counts[2]),
                ["DeadLettered"] = Interlocked.Read(ref counts[3]),
            };
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (string.CompareOrdinal(minute, current) < 0)
            {
                _minutes.TryRemove(minute, out _);
            }
        }
    }

    /// <summary>Drops every instance's rows older than two days.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var before = Minute(time.GetUtcNow().AddDays(-2));
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey lt {before}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ForwarderMetrics.MeterName && Column(instrument.Name) >= 0)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref _minutes.GetOrAdd(Minute(time.GetUtcNow()), _ => new long[4])[Column(instrument.Name)], value));
        _listener.Start();

        using var timer = new PeriodicTimer(FlushEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await TryFlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await TryFlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }

    private async Task TryFlushAsync(CancellationToken cancellationToken)
    {
        if (_minutes.IsEmpty)
        {
            // Nothing counted since the last write: an idle instance (a timer's, one waiting to be scaled in) sends no
            // request every 10 s, not even the table's creation.
            return;
        }

        try
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            // The counts wait in memory for the next flush: they are for the console, never worth failing over.
        }
    }

    private static int Column(string instrument) => instrument switch
    {
        "storiesfunctions.events.received" => 0,
        "storiesfunctions.events.delivered" => 1,
        "storiesfunctions.events.retried" => 2,
        "storiesfunctions.events.dead_lettered" => 3,
        _ => -1,
    };

    internal static string Minute(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
}
