using StoriesFunctions.Delivery;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>Envelopes packed ahead of time, byte for byte what ingest writes for the same body.</summary>
internal static class ReadyEnvelopes
{
    public static IReadOnlyList<BinaryData> Pack(byte[] body, int maxEventsPerEnvelope = int.MaxValue)
    {
        using var payload = SegmentPayload.TryParse(body, out _) ?? throw new InvalidOperationException("sample body does not parse");
        var envelopes = new List<BinaryData>();
        var packer = new EnvelopePacker();
        foreach (var item in payload.Items)
        {
            var verdict = SegmentEventValidator.Validate(item, 0, null);
            if (verdict.Outcome != EventOutcome.Accepted)
            {
                throw new InvalidOperationException($"sample event not accepted: {verdict.Reason}");
            }

            if (packer.EventCount == maxEventsPerEnvelope)
            {
                envelopes.AddRange(packer.Complete());
                packer = new EnvelopePacker();
            }

            packer.Add(verdict.MessageId!, DateTimeOffset.UtcNow, item);
        }

        envelopes.AddRange(packer.Complete());
        return envelopes;
    }
}
