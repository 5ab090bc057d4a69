using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Segment;

/// <summary>
/// A webhook call, from raw body to durably queued envelopes: size cap, signature, parse, per-event validation,
/// packing, bounded parallel queue writes. 200 once queued; 5xx only when queueing failed, so that Segment retries
/// exactly what we can still take.
/// </summary>
public sealed class WebhookIngest(
    SignatureVerifier signatures,
    EventQueue queue,
    IOptions<SegmentOptions> options,
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

    private async Task<IngestResult> QueueAsync(SegmentPayload payload, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var packer = new EnvelopePacker();
        var skipped = new List<EventNote>();
        var rejected = new List<EventNote>();
        var accepted = new List<EventVerdict>();
        var sharedBytes = BatchMerge.SharedBytes(payload.SharedContext, payload.SharedIntegrations);
        var index = 0;
        foreach (var item in payload.Items)
        {
            var verdict = SegmentEventValidator.Validate(item, sharedBytes, payload.SharedIntegrations);
            Note(verdict, index, skipped, rejected);
            if (verdict.Outcome == EventOutcome.Accepted)
            {
                accepted.Add(verdict);
                packer.Add(verdict.MessageId!, receivedAt, item, payload.SharedContext, payload.SharedIntegrations);
            }

            index++;
        }

        metrics.Received.Add(index);
        if (packer.EventCount == 0 && skipped.Count == 0)
        {
            return Completed(new IngestResult(400, 0, skipped, rejected, "every event was rejected"), 0);
        }

        var envelopes = packer.Complete();
        try
        {
            if (envelopes.Count == 0)
            {
                return Completed(new IngestResult(200, 0, skipped, rejected, null), 0);
            }


            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(QueueWriteTimeout);
            await queue.SendAsync(envelopes, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException or InvalidOperationException or HttpRequestException)
        {
            Log.QueueWriteFailed(logger, ex, packer.EventCount);
            return Refused(503, "events could not be queued; retry later");
        }

        metrics.Queued.Add(packer.EventCount);
        foreach (var verdict in accepted)
        {
            Log.EventQueued(logger, verdict.MessageId!, verdict.Type.ToWireName());
        }

        return Completed(new IngestResult(200, packer.EventCount, skipped, rejected, null), envelopes.Count);
    }

    private void Note(EventVerdict verdict, int index, List<EventNote> skipped, List<EventNote> rejected)
    {
        switch (verdict.Outcome)
        {
            case EventOutcome.Accepted:
                break;
            case EventOutcome.Skipped:
                skipped.Add(new EventNote(index, verdict.MessageId, verdict.Reason!));
                metrics.Skipped.Add(1, new KeyValuePair<string, object?>("reason", verdict.Reason));
                Log.EventSkipped(logger, verdict.MessageId, verdict.Type.ToWireName(), verdict.Reason!);
                break;
            default:
                rejected.Add(new EventNote(index, verdict.MessageId, verdict.Reason!));
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
        Log.IngestCompleted(logger, result.StatusCode, result.Queued + result.Skipped.Count + result.Rejected.Count, result.Queued, result.Skipped.Count, result.Rejected.Count, envelopes);
        return result;
    }
}
