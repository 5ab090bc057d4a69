using System.Collections.Concurrent;
using System.Globalization;
using StoriesFunctions.Tests.Segment;

namespace StoriesFunctions.Tests.HostLevel.Faults;

/// <summary>One webhook call: its body and the content marker of each of its events (what Stories receives as content).</summary>
internal sealed record SegmentCall(string Body, IReadOnlyList<string> Markers);

/// <summary>
/// Webhook calls as Segment makes them during a fault, and what the app acknowledged: an event counts as acknowledged
/// only when its call was answered 2xx. Thread-safe.
/// </summary>
internal sealed class SegmentLoad
{
    private readonly ConcurrentDictionary<string, byte> acknowledged = new();
    private readonly ConcurrentDictionary<string, int> answers = new();
    private readonly ConcurrentQueue<string> unanswered = new();

    /// <summary>The markers of every event acknowledged so far.</summary>
    public IReadOnlyCollection<string> Acknowledged => [.. acknowledged.Keys];

    /// <summary>How the calls were answered: status code (or "no answer") and count, e.g. <c>200×40, 503×12</c>.</summary>
    public string Answers =>
        string.Join(", ", answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key}×{a.Value}")));

    /// <summary>Each call that got no answer: the host, how long the client waited, and why (timeout or connection failure).</summary>
    public IReadOnlyCollection<string> Unanswered => [.. unanswered];

    /// <summary>
    /// <paramref name="events"/> track events in calls of <paramref name="perCall"/>, spread over 37 users; each event's
    /// name, which Stories receives as its content, is <c>{run}-{index}</c>.
    /// </summary>
    public static IReadOnlyList<SegmentCall> Calls(string run, int events, int perCall) =>
        Enumerable.Range(0, events)
            .Select(i => (Marker: string.Create(CultureInfo.InvariantCulture, $"{run}-{i}"), User: string.Create(CultureInfo.InvariantCulture, $"user-{i % 37}")))
            .Chunk(perCall)
            .Select(chunk => new SegmentCall(
                "[" + string.Join(",", chunk.Select(e => SegmentEventBuilder.Track().With("userId", e.User).With("event", e.Marker).Json())) + "]",
                [.. chunk.Select(e => e.Marker)]))
            .ToList();

    /// <summary>Posts <paramref name="call"/> to <paramref name="host"/>; returns the status, or null when there was no answer.</summary>
    public async Task<int?> PostAsync(FunctionsHost host, SegmentCall call, CancellationToken cancellationToken)
    {
        int? status;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var answer = await host.PostWebhookAsync(call.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            status = (int)answer.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            status = null;
            unanswered.Enqueue(string.Create(CultureInfo.InvariantCulture,
                $"{host} after {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s (host exited: {host.HasExited}): {e.GetType().Name}: {e.Message}"));
        }

        answers.AddOrUpdate(status?.ToString(CultureInfo.InvariantCulture) ?? "no answer", 1, (_, n) => n + 1);
        if (status is >= 200 and < 300)
        {
            foreach (string marker in call.Markers)
            {
                acknowledged.TryAdd(marker, 0);
            }
        }

        return status;
    }

    /// <summary>
    /// Posts <paramref name="call"/> until it is acknowledged, as Segment retries a call that was not; with
    /// <paramref name="other"/>, every other try goes there, as a load balancer routes around an instance that is down.
    /// </summary>
    public async Task PostUntilAcknowledgedAsync(FunctionsHost host, SegmentCall call, CancellationToken cancellationToken, FunctionsHost? other = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            int? status = await PostAsync(attempt % 2 == 0 && other is not null ? other : host, call, cancellationToken).ConfigureAwait(false);
            if (status is >= 200 and < 300)
            {
                return;
            }

            if (attempt == 30)
            {
                throw new InvalidOperationException($"A call was still not acknowledged after {attempt} attempts (last answer {status?.ToString(CultureInfo.InvariantCulture) ?? "none"}).");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }
}
