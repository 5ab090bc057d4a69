using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using StoriesFunctions.Delivery;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.HostLevel.Faults;

/// <summary>
/// What a fault did to the acknowledged events, read from Stories (by each event's content marker, as
/// <c>DuplicateRateUnderHostTests</c> counts) and from Azurite directly: lost, doubled, dead-lettered, poisoned.
/// </summary>
internal sealed record FaultOutcome(
    int Acknowledged,
    int Created,
    IReadOnlyList<string> Lost,
    IReadOnlyList<(string Marker, int Times)> Doubled,
    int NotAcknowledgedButCreated,
    int DeadLetters,
    IReadOnlyList<string> DeadLetterReasons,
    IReadOnlyDictionary<string, int> Poisoned,
    int EventsQueueLeft)
{
    private const int Shown = 10;

    /// <summary>Reads the outcome now, for the events in <paramref name="acknowledged"/>.</summary>
    public static async Task<FaultOutcome> ObserveAsync(HostCluster cluster, IReadOnlyCollection<string> acknowledged, CancellationToken cancellationToken)
    {
        var created = CreatedMarkers(cluster);
        var counts = created.GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var store = new DeadLetterStore(new TableServiceClient(cluster.StorageConnectionString));
        var (deadLetterCount, _) = await store.CountAsync(DeadLetterFilter.All, 100_000, cancellationToken).ConfigureAwait(false);
        var (sample, _) = await store.ListAsync(200, null, false, cancellationToken).ConfigureAwait(false);
        var events = await cluster.Events.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        return new FaultOutcome(
            acknowledged.Count,
            created.Count,
            [.. acknowledged.Where(m => !counts.ContainsKey(m)).Order(StringComparer.Ordinal)],
            [.. counts.Where(c => c.Value > 1).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value))],
            counts.Keys.Except(acknowledged, StringComparer.Ordinal).Count(),
            deadLetterCount,
            [.. sample.GroupBy(d => d.Letter.Reason, StringComparer.Ordinal).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()}× \"{g.Key}\""))],
            await PoisonedAsync(cluster.StorageConnectionString, cancellationToken).ConfigureAwait(false),
            events.Value.ApproximateMessagesCount);
    }

    /// <summary>
    /// Waits until every acknowledged event was created and <c>segment-events</c> is empty (nothing in flight or waiting
    /// that could still post), or until nothing can change any more: <c>segment-events</c> and <c>segment-events-poison</c>
    /// both empty for <paramref name="quiet"/> while events are missing; at most <paramref name="timeout"/>. Returns the
    /// time waited.
    /// </summary>
    public static async Task<TimeSpan> WaitUntilSettledAsync(
        HostCluster cluster, IReadOnlyCollection<string> acknowledged, TimeSpan timeout, TimeSpan quiet, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? quietSince = null;
        while (clock.Elapsed < timeout)
        {
            bool allCreated = !acknowledged.Except(CreatedMarkers(cluster), StringComparer.Ordinal).Any();
            int waiting = (await cluster.Events.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount
                + (await cluster.Poison.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
            quietSince = waiting == 0 ? quietSince ?? clock.Elapsed : null;
            if (waiting == 0 && (allCreated || clock.Elapsed - quietSince >= quiet))
            {
                break;
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }

        return clock.Elapsed;
    }

    /// <summary>When Stories first received the post it created the event with <paramref name="marker"/> from.</summary>
    public static DateTimeOffset FirstCreatedAt(HostCluster cluster, string marker) =>
        cluster.Stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 } && r.Json.GetProperty("data").GetProperty("content").GetString() == marker)
            .Min(r => r.ReceivedAt);

    /// <summary>The content markers of the events Stories created (answered 201), once per creation.</summary>
    public static List<string> CreatedMarkers(HostCluster cluster) =>
        [.. cluster.Stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 })
            .Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()!)];

    public int Duplicates => Doubled.Sum(d => d.Times - 1);

    /// <summary>One line of figures for the test's output.</summary>
    public string Figures => string.Create(CultureInfo.InvariantCulture,
        $"acknowledged {Acknowledged}, created {Created} ({Created - Duplicates} distinct), duplicates {Duplicates} ({(double)Duplicates / Math.Max(1, Acknowledged):P2}), "
        + $"lost {Lost.Count}, created though not acknowledged {NotAcknowledgedButCreated}, dead letters {DeadLetters}, "
        + $"poison {(Poisoned.Count == 0 ? "none" : string.Join(", ", Poisoned.Select(p => $"{p.Key}={p.Value}")))}, segment-events left {EventsQueueLeft}");

    /// <summary>Every acknowledged event created; no dead letter; nothing in a poison queue. Duplicates are only reported.</summary>
    public void AssertNothingLost() => Assert.Multiple(() =>
    {
        Assert.That(Lost, Is.Empty, $"{Lost.Count} of {Acknowledged} acknowledged events were not created at Stories by the end of the wait (segment-events still holds {EventsQueueLeft} message(s), invisible ones included: 0 means nothing will ever deliver them); first: {Sample(Lost)}");
        Assert.That(DeadLetters, Is.Zero, $"{DeadLetters} dead letter(s): {string.Join("; ", DeadLetterReasons)}");
        Assert.That(Poisoned, Is.Empty, $"messages left in poison queues: {string.Join(", ", Poisoned.Select(p => $"{p.Key}={p.Value}"))}");
    });

    /// <summary><see cref="AssertNothingLost"/>, and every event created exactly once.</summary>
    public void AssertEachCreatedOnce() => Assert.Multiple(() =>
    {
        AssertNothingLost();
        Assert.That(Doubled, Is.Empty, $"{Doubled.Count} events created more than once ({Duplicates} extra posts); first: {Sample(Doubled.Select(d => $"{d.Marker}×{d.Times}"))}");
    });

    private static string Sample(IEnumerable<string> items) => string.Join(", ", items.Take(Shown));

    /// <summary>Every <c>*-poison</c> queue (the host's <c>segment-events-poison</c>, <c>*-poison-poison</c>) holding messages.</summary>
    private static async Task<Dictionary<string, int>> PoisonedAsync(string connectionString, CancellationToken cancellationToken)
    {
        var service = new QueueServiceClient(connectionString);
        var poisoned = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var queue in service.GetQueuesAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (queue.Name.EndsWith("-poison", StringComparison.Ordinal)
                && (await service.GetQueueClient(queue.Name).GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount is > 0 and var count)
            {
                poisoned[queue.Name] = count;
            }
        }

        return poisoned;
    }
}
