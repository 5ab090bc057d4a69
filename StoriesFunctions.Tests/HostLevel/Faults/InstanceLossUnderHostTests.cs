using System.Diagnostics;
using System.Globalization;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Faults;

/// <summary>
/// One of two instances lost while 1,000 acknowledged events are being delivered, Stories answering after 50 ms so that
/// posts are in flight: stopped in order (SIGTERM, as a scale-in or a deployment does), or killed with its worker at once
/// (SIGKILL, as a dead machine). The survivor must deliver the rest; how long that takes and what it doubles is printed.
/// </summary>
[Category("Host")]
[Category("Faults")]
public class InstanceLossUnderHostTests
{
    private const int Events = 1000;
    private const int LostAfter = 300;
    private static readonly TimeSpan StoriesLatency = TimeSpan.FromMilliseconds(50);

    [Test]
    [CancelAfter(900_000)]
    public async Task OneInstanceStoppedWithSigtermMidDelivery_EveryEventIsCreatedOnce(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(cancellationToken: cancellationToken);
        var load = await AcknowledgeAsync(cluster, "c", cancellationToken);

        var (lostAt, createdBefore) = await WhenDeliveringAsync(cluster, cancellationToken);
        var stopping = Stopwatch.StartNew();
        await cluster[0].StopAsync();
        var stopTook = stopping.Elapsed;
        // A batch the stopping host fetched but did not start stays hidden for the queue extension's 10 minutes: late, not lost.
        var settled = await FaultOutcome.WaitUntilSettledAsync(cluster, load.Acknowledged, TimeSpan.FromMinutes(12), TimeSpan.FromSeconds(30), cancellationToken);
        var outcome = await FaultOutcome.ObserveAsync(cluster, load.Acknowledged, cancellationToken);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SIGTERM to one of 2 instances after {createdBefore} of {Events} created: it stopped in {stopTook.TotalSeconds:0.0} s; "
            + $"all delivered {AllDeliveredAfter(cluster, load, lostAt)} after the signal, segment-events empty after {settled.TotalSeconds:0.0} s"));
        TestContext.Out.WriteLine(outcome.Figures);

        outcome.AssertEachCreatedOnce();
    }

    [Test]
    [CancelAfter(900_000)]
    public async Task OneInstanceKilledWithItsWorkerMidDelivery_NothingLostDuplicatesAndTimeReported(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(cancellationToken: cancellationToken);
        var load = await AcknowledgeAsync(cluster, "d", cancellationToken);

        var (lostAt, createdBefore) = await WhenDeliveringAsync(cluster, cancellationToken);
        var killed = cluster[0].Kill();
        var settled = await FaultOutcome.WaitUntilSettledAsync(cluster, load.Acknowledged, TimeSpan.FromMinutes(12), TimeSpan.FromSeconds(30), cancellationToken);
        var outcome = await FaultOutcome.ObserveAsync(cluster, load.Acknowledged, cancellationToken);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SIGKILL to host and worker of one of 2 instances (pids {string.Join(", ", killed)}) after {createdBefore} of {Events} created: "
            + $"all delivered {AllDeliveredAfter(cluster, load, lostAt)} after the kill, segment-events empty after {settled.TotalSeconds:0.0} s "
            + $"(host.json visibilityTimeout: 30 s); duplicates {outcome.Duplicates}"));
        TestContext.Out.WriteLine(outcome.Figures);

        Assert.Multiple(() =>
        {
            Assert.That(killed, Has.Count.GreaterThanOrEqualTo(2), "the host and its worker were in the group killed");
            outcome.AssertNothingLost();
        });
    }

    /// <summary>Stories answers slowly; 100 calls of 10 events, to both instances, all acknowledged.</summary>
    private static async Task<SegmentLoad> AcknowledgeAsync(HostCluster cluster, string run, CancellationToken cancellationToken)
    {
        cluster.Stories.FailAll(StoriesReply.Delay(StoriesLatency));
        var load = new SegmentLoad();
        var calls = SegmentLoad.Calls(run, Events, 10);
        await Parallel.ForEachAsync(calls.Select((call, i) => (call, i)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (c, ct) =>
            await load.PostUntilAcknowledgedAsync(cluster[c.i % 2], c.call, ct));
        return load;
    }

    /// <summary>Waits until <see cref="LostAfter"/> events are created (delivery in full flow); returns when, and how many.</summary>
    private static async Task<(DateTimeOffset At, int Created)> WhenDeliveringAsync(HostCluster cluster, CancellationToken cancellationToken)
    {
        while (FaultOutcome.CreatedMarkers(cluster).Count < LostAfter)
        {
            await Task.Delay(20, cancellationToken);
        }

        return (DateTimeOffset.UtcNow, FaultOutcome.CreatedMarkers(cluster).Distinct().Count());
    }

    /// <summary>From <paramref name="since"/> to the first creation of the last acknowledged event to arrive, or "never".</summary>
    private static string AllDeliveredAfter(HostCluster cluster, SegmentLoad load, DateTimeOffset since)
    {
        var firstCreations = cluster.Stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 })
            .GroupBy(r => r.Json.GetProperty("data").GetProperty("content").GetString()!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(r => r.ReceivedAt), StringComparer.Ordinal);
        return load.Acknowledged.All(firstCreations.ContainsKey)
            ? string.Create(CultureInfo.InvariantCulture, $"{(load.Acknowledged.Max(m => firstCreations[m]) - since).TotalSeconds:0.0} s")
            : "never";
    }
}
