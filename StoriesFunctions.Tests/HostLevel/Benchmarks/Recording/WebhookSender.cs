using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// Sends a tenant's Segment calls to a host's webhook, signed as Segment signs them: one realistic ~1 KB track event
/// per call, or an array of them as Actions batching sends. Every event gets a messageId of its own.
/// </summary>
internal sealed class WebhookSender(FunctionsHost host, string run)
{
    private readonly string tag = run + Guid.NewGuid().ToString("N")[..6];
    private int nextEvent;

    /// <summary>One call carrying <paramref name="events"/> events (1: a single event, not an array); true when answered 200.</summary>
    public async Task<bool> SendAsync(int events, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 1);
        int first = Interlocked.Add(ref nextEvent, events) - events;
        byte[] body = events == 1
            ? System.Text.Encoding.UTF8.GetBytes(SampleEvents.Track(tag, first))
            : SampleEvents.ArrayBody($"{tag}-{first}", events, SampleEvents.Track);
        using var response = await host.PostAsync("api/segment", body, SampleEvents.Sign(body), cancellationToken);
        return (int)response.StatusCode == 200;
    }
}
