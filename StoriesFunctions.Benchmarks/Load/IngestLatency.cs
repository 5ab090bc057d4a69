using System.Diagnostics;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>
/// Figure 4: one event, function call to queued, one call at a time; against one ready-made queue write.
/// </summary>
internal static class IngestLatency
{
    private const int WarmUp = 50;

    public static async Task RunAsync(AppUnderTest app, int calls, ResultTable table)
    {
        var bodies = Enumerable.Range(0, calls + WarmUp).Select(i => SampleEvents.SingleBody("latency", i)).ToArray();
        var signatures = bodies.Select(b => SampleEvents.Sign(b)).ToArray();
        var ready = ReadyEnvelopes.Pack(bodies[0])[0];
        var appMs = new List<double>();
        var boundMs = new List<double>();
        var paired = new PairedRuns();
        await app.Events.ClearMessagesAsync();
        for (var i = 0; i < bodies.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            var status = await app.PostAsync(bodies[i], signatures[i]);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (status != 200)
            {
                throw new InvalidOperationException($"webhook answered {status}");
            }

            clock.Restart();
            await app.Events.SendMessageAsync(ready);
            var boundElapsed = clock.Elapsed.TotalMilliseconds;
            if (i >= WarmUp)
            {
                appMs.Add(elapsed);
                boundMs.Add(boundElapsed);
                paired.Add(elapsed, boundElapsed);
            }
        }

        await app.Events.ClearMessagesAsync();
        foreach (var percent in new[] { 50.0, 99.0 })
        {
            var measured = PairedRuns.Percentile(appMs, percent);
            var bound = PairedRuns.Percentile(boundMs, percent);
            table.Add($"single-event ingest latency p{percent:0} ({calls} calls)", $"{measured:0.00} ms", $"{bound:0.00} ms (one queue write)", measured / bound, "report", null);
        }

        table.Add("  same calls, paired", paired.Describe(), "—", paired.MedianOfRatios, "report", null);
    }
}
