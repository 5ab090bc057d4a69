using System.Diagnostics;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// The duplicate rate under load, as the issue asked it to be measured: 2,000 events, each call posted three times at
/// once (a Segment retry after a partial 503 looks like this), to two instances. Prints the figures; every event must
/// arrive, and exactly once.
/// </summary>
[Category("Host")]
public class DuplicateRateUnderHostTests
{
    private const int Events = 2000;
    private const int PerCall = 100;
    private const int Copies = 3;


    [Test]
    [Category(TestCategories.Slow)]
    [CancelAfter(300_000)]
    public async Task TwoThousandEventsThreeCopiesTwoInstances_EveryEventCreatedExactlyOnce(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(cancellationToken: cancellationToken);
        var calls = Enumerable.Range(0, Events / PerCall)
            .Select(c => "[" + string.Join(",", Enumerable.Range(0, PerCall).Select(i => SegmentEventBuilder.Track().With("userId", $"user-{i % 37}").With("event", $"e{(c * PerCall) + i}").Json())) + "]")
            .ToList();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (body, ct) =>
            await Task.WhenAll(Enumerable.Range(0, Copies).Select(async copy =>
            {
                using var answer = await cluster[copy % 2].PostWebhookAsync(body, cancellationToken: ct);
                answer.EnsureSuccessStatusCode();
            })));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (Created(cluster).Distinct().Count() < Events && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
        }

        await cluster.WaitUntilEventsQueueEmptyAsync(TimeSpan.FromMinutes(2), cancellationToken);
        var created = Created(cluster);
        var distinct = created.Distinct().Count();
        var duplicates = created.Count - distinct;
        TestContext.Out.WriteLine(
            $"duplicate rate under host: {Events} events x {Copies} copies, 2 instances: {created.Count} created, {distinct} distinct, "
            + $"{duplicates} duplicates ({(double)duplicates / Events:P3}), {Events - distinct} lost, {clock.Elapsed.TotalSeconds:F1} s "
            + $"({Events * Copies / clock.Elapsed.TotalSeconds:F0} event copies/s)");

        Assert.Multiple(() =>
        {
            Assert.That(distinct, Is.EqualTo(Events), "nothing lost");
            Assert.That(duplicates, Is.Zero, "nothing doubled");
        });
    }

    private static List<string> Created(HostCluster cluster) =>
        cluster.Stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 })
            .Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()!).ToList();
}
