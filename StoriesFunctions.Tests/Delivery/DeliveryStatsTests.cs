using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>
/// The console's counts as one instance writes them every 10 s, against real Azurite, with the clock in the test's
/// hands. An instance that counted nothing must send nothing: it may be a timer's, alive only to be scaled in.
/// </summary>
[NonParallelizable]
public class DeliveryStatsTests
{
    // A minute no other test writes: the rows are keyed by minute.
    private static readonly DateTimeOffset Start = new(2001, 2, 3, 4, 5, 0, TimeSpan.Zero);
    private const string StartMinute = "200102030405";

    [Test]
    public async Task Flush_NothingCounted_SendsNoRequestForAMinute()
    {
        var (stats, clock, requests, _) = await StartAsync();

        await RunClockAsync(clock, () => false);
        await stats.StopAsync(CancellationToken.None);
        stats.Dispose();

        Assert.That(requests, Is.Empty, "no table creation, no write, every 10 s or at stop");
    }

    [Test]
    public async Task Flush_EventsCounted_WritesTheirMinute()
    {
        var (stats, clock, requests, metrics) = await StartAsync();

        metrics.Received.Add(3);
        await RunClockAsync(clock, () => requests.Any(r => r.Method == RequestMethod.Put || r.Method == RequestMethod.Patch));
        await stats.StopAsync(CancellationToken.None);
        stats.Dispose();

        var table = new TableServiceClient((await Azurite.EnsureStartedAsync()).ConnectionString).GetTableClient(DeliveryStats.TableName);
        var rows = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {StartMinute}")).ToListAsync();
        Assert.That(rows.Sum(r => r.GetInt64("Received") ?? 0), Is.EqualTo(3));
    }

    /// <summary>
    /// Moves the clock a second at a time, up to 50 s (inside the start's minute), until <paramref name="done"/>. The
    /// service starts its loop on a thread of its own, so its 10-s timer may be created after the test's first step.
    /// </summary>
    private static async Task RunClockAsync(FakeTimeProvider clock, Func<bool> done)
    {
        for (var second = 0; second < 50 && !done(); second++)
        {
            await Task.Delay(20);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(200);
    }

    private static async Task<(DeliveryStats Stats, FakeTimeProvider Clock, List<Request> Requests, ForwarderMetrics Metrics)> StartAsync()
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var cleanup = new TableServiceClient(azurite.ConnectionString).GetTableClient(DeliveryStats.TableName);
        await cleanup.CreateIfNotExistsAsync();
        await foreach (var row in cleanup.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {StartMinute}")))
        {
            await cleanup.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        var requests = new List<Request>();
        var options = new TableClientOptions();
        options.AddPolicy(new TableRequestHook(_ => true, r => { lock (requests) { requests.Add(r); } return ValueTask.CompletedTask; }), HttpPipelinePosition.PerCall);
        var clock = new FakeTimeProvider(Start);
        var stats = new DeliveryStats(new TableServiceClient(azurite.ConnectionString, options), clock);
        var metrics = new ForwarderMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
        await stats.StartAsync(CancellationToken.None);

        // The loop listens to the counters once it runs; until then a count would be lost.
        var listening = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!metrics.Received.Enabled && DateTime.UtcNow < listening)
        {
            await Task.Delay(10);
        }

        return (stats, clock, requests, metrics);
    }
}
