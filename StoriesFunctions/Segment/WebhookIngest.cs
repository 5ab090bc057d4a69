using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Segment;

/// <summary>
/// A webhook call, from raw body to durably queued envelopes: size cap, signature, parse, per-event validation,
/// packing, bounded parallel queue writes. 200 once queued; 5xx only when queueing failed, so that Segment retries
/// exactly what we can still take.
/// </summary>
public sealed class WebhookIngest(
    SignatureVerifier signatures,
    EventQueue queue,
    Erasure.ErasedUsers erased,
    IOptions<SegmentOptions> options,
    IOptions<Telemetry.TelemetryOptions> telemetry,
    ForwarderMetrics metrics,
    TimeProvider time,
    ILogger<WebhookIngest> logger)
{
    /// <summary>Segment waits about 5 s: a queue write that takes longer is answered 503 so that Segment retries.</summary>
    public static readonly TimeSpan QueueWriteTimeout = TimeSpan.FromSeconds(4);

    public async Task<IngestResult> IngestAsync(Stream body, long? contentLength, string? signature, CancellationToken cancellationToken)
    {
        using var raw = await RequestBody.ReadAsync(body, contentLength, options.Value.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            return Refused(413, $"body larger than Segment__MaxBodyBytes ({options.Value.MaxBodyBytes} bytes)");
        }

        using var payload = SegmentPayload.TryParse(raw.Memory, out var error);
        var check = signatures.Verify(signature, raw.Memory.Span, payload is null ? [] : payload.FirstElementBytes);
        if (check is SignatureCheck.Missing or SignatureCheck.Mismatch)
        {
            return Refused(401, check == SignatureCheck.Missing ? "X-Signature missing" : "X-Signature does not match");
        }

        if (payload is null || error is not null)
        {
            return Refused(400, error!);
        }

        return await QueueAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Which users are erased, to answer their events as skipped. Unknown when storage fails: then every event is
    /// queued, and delivery, which checks again, skips them.
    /// </summary>
    private async Task<Func<string?, bool>> ErasedCheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await erased.CurrentCheckAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken))
        {
            return _ => false;
        }
    }

    private async Task<IngestResult> QueueAsync(SegmentPayload payload, CancellationToken cancellationToken)
    {
        var isErased = await ErasedCheckAsync(cancellationToken).ConfigureAwait(false);
        var sorted = Sort(payload, time.GetUtcNow(), isErased);
        metrics.Received.Add(payload.Count);
        if (sorted.Accepted.Count == 0)
        {
            // Only skipped events is a success Segment must not retry; only rejected ones is the caller's error.
            return Completed(sorted.Result(sorted.Skipped.Count == 0 ? 400 : 200, 0), 0);
        }

        var envelopes = sorted.Packer.Complete();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(QueueWriteTimeout);
            await queue.SendAsync(envelopes, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsStorageFailure(cancellationToken) || ex is OperationCanceledException or InvalidOperationException)
        {
            Log.QueueWriteFailed(logger, ex, sorted.Accepted.Count);
            return IngestResult.Refused(503, "events could not be queued; retry later");
        }

        metrics.Queued.Add(sorted.Accepted.Count);
        var success = telemetry.Value.SuccessLevel;
        if (logger.IsEnabled(success))
        {
            foreach (var verdict in sorted.Accepted)
            {
                var type = verdict.Type.ToWireName();
                Log.EventQueued(logger, success, verdict.MessageId!, type);
            }
        }

        return Completed(sorted.Result(200, sorted.Accepted.Count), envelopes.Count);
    }

    /// <summary>Validates every item and packs the accepted ones; the batch form's shared fields are merged in.</summary>
    private SortedEvents Sort(SegmentPayload payload, DateTimeOffset receivedAt, Func<string?, bool> isErased)
    {
        var sorted = new SortedEvents();
        var sharedBytes = BatchMerge.SharedBytes(payload.SharedContext, payload.SharedIntegrations);
        var index = 0;
        foreach (var item in payload.Items)
        {
            var verdict = SegmentEventValidator.Validate(item, sharedBytes, payload.SharedIntegrations);
            if (verdict.Outcome == EventOutcome.Accepted && isErased(UserIdOf(item)))
            {
                verdict = EventVerdict.Skip(Erasure.ErasureReasons.UserErased, verdict.MessageId, verdict.Type);
            }

            Note(verdict, index++, sorted);
            if (verdict.Outcome == EventOutcome.Accepted)
            {
                sorted.Packer.Add(verdict.MessageId!, receivedAt, item, payload.SharedContext, payload.SharedIntegrations);
            }
        }

        return sorted;
    }

    private static string? UserIdOf(System.Text.Json.JsonElement item) =>
        item.TryGetProperty("userId"u8, out var id) ? UserIds.Read(id) : null;

    private void Note(EventVerdict verdict, int index, SortedEvents sorted)
    {
        switch (verdict.Outcome)
        {
            case EventOutcome.Accepted:
                sorted.Accepted.Add(verdict);
                break;
            case EventOutcome.Skipped:
                sorted.Skipped.Add(new EventNote(index, verdict.MessageId, verdict.Reason!));
                metrics.Skipped.Add(1, new KeyValuePair<string, object?>("reason", verdict.Reason));
                Log.EventSkipped(logger, verdict.MessageId, verdict.Type.ToWireName(), verdict.Reason!);
                break;
            default:
                sorted.Rejected.Add(new EventNote(index, verdict.MessageId, verdict.Reason!));
                metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", verdict.Reason));
                Log.EventRejected(logger, verdict.MessageId, index, verdict.Reason!);
                break;
        }
    }

    private IngestResult Refused(int statusCode, string error)
    {
        Log.RequestRefused(logger, statusCode, error);
        return IngestResult.Refused(statusCode, error);
    }

    private IngestResult Completed(IngestResult result, int envelopes)
    {
        // A call whose every event was queued is a success: summarized at the success level; anything else always.
        var level = result.StatusCode == 200 && result.Skipped.Count == 0 && result.Rejected.Count == 0 ? telemetry.Value.SuccessLevel : LogLevel.Information;
        Log.IngestCompleted(logger, level, result.StatusCode, result.Queued + result.Skipped.Count + result.Rejected.Count, result.Queued, result.Skipped.Count, result.Rejected.Count, envelopes);
        return result;
    }

    private sealed class SortedEvents
    {
        public EnvelopePacker Packer { get; } = new();

        public List<EventVerdict> Accepted { get; } = [];

        public List<EventNote> Skipped { get; } = [];

        public List<EventNote> Rejected { get; } = [];

        public IngestResult Result(int statusCode, int queued) =>
            new(statusCode, queued, Skipped, Rejected, statusCode == 400 ? "every event was rejected" : null);
    }
}
