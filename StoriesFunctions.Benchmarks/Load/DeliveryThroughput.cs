using System.Text.Json;
using System.Diagnostics;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using StoriesFunctions.Delivery;
using StoriesFunctions.Segment;
using StoriesFunctions.Stories;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>
/// Figure 3: events per second through <see cref="EnvelopeDelivery.DeliverAsync"/> (real DI, de-duplication in
/// Azurite tables, the stand-in answering at once), against plain loops doing only the necessary I/O per event at
/// the same concurrency: POST + one point read + one upsert, and POST alone (so de-duplication's price shows).
/// </summary>
internal static class DeliveryThroughput
{
    /// <summary>Messages in flight per instance: host.json's batchSize (16) before newBatchThreshold tops it up.</summary>
    public const int Concurrency = 16;

    /// <summary>Events per envelope: the size of a typical Segment batch request (tens of events).</summary>
    private const int EventsPerEnvelope = 25;

    private sealed record PlainEvent(string Partition, string Row, byte[] StoriesBody);

    public static async Task RunAsync(AppUnderTest app, LocalServices services, int eventsPerRun, int runs, ResultTable table)
    {
        var delivery = app.Services.GetRequiredService<EnvelopeDelivery>();
        var mapper = app.Services.GetRequiredService<StoriesMapper>();
        using var http = new HttpClient { BaseAddress = services.Stories.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "benchmark-api-key-0123456789");
        var plainTable = new TableServiceClient(services.StorageConnectionString).GetTableClient("plaindedupe");
        await plainTable.CreateIfNotExistsAsync();

        var results = new Dictionary<string, List<(double PerSecond, double BytesPerEvent)>> { ["app"] = [], ["plain+dedupe"] = [], ["plain"] = [] };
        var budget = app.Services.GetRequiredService<StoriesBudget>();
        var budgetOperations = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var count = run == 0 ? eventsPerRun / 4 : eventsPerRun;
            var envelopes = ReadyEnvelopes.Pack(SampleEvents.ArrayBody($"deliver{run}", count), EventsPerEnvelope);
            var plain = PlainEvents(mapper, SampleEvents.ArrayBody($"plain{run}", count), EventsPerEnvelope);
            var before = services.Stories.Requests.Count;

            var slowest = TimeSpan.Zero;
            var budgetBefore = budget.StorageOperations;
            var appResult = await MeasureAsync(count, () => Parallel.ForEachAsync(envelopes, Options(), async (e, ct) =>
            {
                var one = Stopwatch.StartNew();
                await delivery.DeliverAsync("benchmark", e, ct);
                if (one.Elapsed > slowest)
                {
                    slowest = one.Elapsed;
                }
            }));
            var budgetPerCall = (budget.StorageOperations - budgetBefore) / (double)count;
            var withDedupe = await MeasureAsync(count, () => Parallel.ForEachAsync(plain, Options(), async (group, ct) =>
            {
                foreach (var evt in group)
                {
                    await PlainWithDedupeAsync(http, plainTable, evt, ct);
                }
            }));
            var postOnly = await MeasureAsync(count, () => Parallel.ForEachAsync(plain, Options(), async (group, ct) =>
            {
                foreach (var evt in group)
                {
                    await PostAsync(http, evt, ct);
                }
            }));

            var posted = services.Stories.Requests.Count - before;
            if (posted != 3 * count)
            {
                throw new InvalidOperationException($"run {run}: the stand-in saw {posted} requests, expected {3 * count}");
            }

            Console.WriteLine($"delivery run {run}{(run == 0 ? " (warm-up)" : string.Empty)}, {count} events: app {appResult.PerSecond:0}/s ({appResult.BytesPerEvent:0} B/event), plain+dedupe {withDedupe.PerSecond:0}/s ({withDedupe.BytesPerEvent:0} B/event), plain POST {postOnly.PerSecond:0}/s ({postOnly.BytesPerEvent:0} B/event); budget table operations per call {budgetPerCall:0.00}; slowest app envelope {slowest.TotalMilliseconds:0} ms at {DateTime.Now:HH:mm:ss}");
            if (run > 0)
            {
                budgetOperations.Add(budgetPerCall);
                results["app"].Add(appResult);
                results["plain+dedupe"].Add(withDedupe);
                results["plain"].Add(postOnly);
            }
        }

        var appRate = PairedRuns.Median(results["app"].Select(r => r.PerSecond));
        var dedupeRate = PairedRuns.Median(results["plain+dedupe"].Select(r => r.PerSecond));
        var plainRate = PairedRuns.Median(results["plain"].Select(r => r.PerSecond));
        var appBytes = PairedRuns.Median(results["app"].Select(r => r.BytesPerEvent));
        var dedupeBytes = PairedRuns.Median(results["plain+dedupe"].Select(r => r.BytesPerEvent));
        // Ratios are medians of per-run ratios: the paths of one run share the machine's load at that moment.
        var ratio = PairedRuns.Median(results["app"].Zip(results["plain+dedupe"], (a, b) => a.PerSecond / b.PerSecond));
        var dedupePrice = PairedRuns.Median(results["plain+dedupe"].Zip(results["plain"], (a, b) => a.PerSecond / b.PerSecond));
        table.Add($"delivery, {Concurrency} concurrent: events/s", $"{appRate:0}/s", $"{dedupeRate:0}/s (plain POST+read+upsert)", ratio, "≥ 0.80×", ratio >= 0.8);
        table.Add("delivery: price of de-dup (plain loops)", $"{dedupeRate:0}/s with", $"{plainRate:0}/s POST only", dedupePrice, "report", null);
        table.Add("delivery: allocated per event (process-wide)", $"{appBytes:0} B", $"{dedupeBytes:0} B (plain POST+read+upsert)", appBytes / dedupeBytes, "report", null);
        table.Add("delivery: budget table operations per Stories call", $"{PairedRuns.Median(budgetOperations):0.00}", "— (one shared row, ETag writes)", null, "report", null);
    }

    private static ParallelOptions Options() => new() { MaxDegreeOfParallelism = Concurrency };

    private static async Task<(double PerSecond, double BytesPerEvent)> MeasureAsync(int events, Func<Task> work)
    {
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var clock = Stopwatch.StartNew();
        await work();
        var elapsed = clock.Elapsed.TotalSeconds;
        return (events / elapsed, (GC.GetTotalAllocatedBytes(true) - allocatedBefore) / (double)events);
    }

    /// <summary>The floor: the Stories body and table keys made in advance, grouped like the envelopes.</summary>
    private static List<PlainEvent[]> PlainEvents(StoriesMapper mapper, byte[] body, int perGroup)
    {
        using var payload = SegmentPayload.TryParse(body, out _)!;
        var items = new List<JsonElement>();
        foreach (var item in payload.Items)
        {
            items.Add(item);
        }

        var events = items.Select(item =>
        {
            var id = SegmentEventValidator.Validate(item, 0, null).MessageId!;
            var (partition, row) = DeliveryTables.Keys(id);
            return new PlainEvent(partition, row, mapper.Map(item).Event.Body.ToArray());
        });
        return [.. events.Chunk(perGroup)];
    }

    private static async Task PlainWithDedupeAsync(HttpClient http, TableClient table, PlainEvent evt, CancellationToken ct)
    {
        var seen = await table.GetEntityIfExistsAsync<TableEntity>(evt.Partition, evt.Row, ["Steps"], ct);
        if (seen.HasValue)
        {
            return;
        }

        await PostAsync(http, evt, ct);
        await table.UpsertEntityAsync(new TableEntity(evt.Partition, evt.Row) { ["Steps"] = 2 }, TableUpdateMode.Replace, ct);
    }

    private static async Task PostAsync(HttpClient http, PlainEvent evt, CancellationToken ct)
    {
        using var content = new ByteArrayContent(evt.StoriesBody);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("events", content, ct);
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"stand-in answered {(int)response.StatusCode}");
        }
    }
}
