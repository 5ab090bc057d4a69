using System.Diagnostics;
using StoriesFunctions.Delivery;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>
/// Figure 2: a 4,000-event array through the real webhook function into Azurite, against writing the same
/// envelopes, ready-made, with the same parallelism.
/// </summary>
internal static class BatchIngest
{
    public static async Task RunAsync(AppUnderTest app, int runs, ResultTable table)
    {
        // Bodies and signatures are made before timing; run 0 warms both paths up and is not counted.
        var bodies = Enumerable.Range(0, runs + 1).Select(i => SampleEvents.ArrayBody($"batch{i}", SampleEvents.BatchSize)).ToArray();
        var signatures = bodies.Select(b => SampleEvents.Sign(b)).ToArray();
        var ready = ReadyEnvelopes.Pack(bodies[0]);
        var appMs = new List<double>();
        var boundMs = new List<double>();
        var writes = new List<double>();
        var peaks = new List<double>();
        var allocations = new List<double>();
        var packMs = new List<double>();
        var boundAllocations = new List<double>();
        var paired = new PairedRuns();
        (double Ms, long Allocated, long Peak) cold = default;
        for (var run = 0; run <= runs; run++)
        {
            // Alternate which path goes first, so that neither always inherits the other's garbage or queue state.
            (double Ms, long Allocated, int Written, long Peak) appRun = default, boundRun = default;
            for (var turn = 0; turn < 2; turn++)
            {
                if ((turn == 0) == (run % 2 == 0))
                {
                    appRun = await MeasureAsync(app, sampled: true, async () =>
                    {
                        var status = await app.PostAsync(bodies[run], signatures[run]);
                        if (status != 200)
                        {
                            throw new InvalidOperationException($"webhook answered {status} in run {run}");
                        }
                    });
                }
                else
                {
                    boundRun = await MeasureAsync(app, sampled: false, () => WriteReadyAsync(app, ready));
                }
            }

            // The CPU-only part of ingest (parse, validate, pack, no I/O), to tell CPU from I/O in the gap.
            var clock = Stopwatch.StartNew();
            _ = ReadyEnvelopes.Pack(bodies[run]);
            var pack = clock.Elapsed.TotalMilliseconds;
            Console.WriteLine($"batch ingest run {run}{(run == 0 ? " (warm-up)" : string.Empty)}: app {appRun.Ms:0} ms, {appRun.Written} messages, peak +{appRun.Peak / 1048576.0:0.0} MiB, allocated {appRun.Allocated / 1048576.0:0.0} MiB; ready-made writes {boundRun.Ms:0} ms ({boundRun.Written} messages, allocated {boundRun.Allocated / 1048576.0:0.0} MiB); parse+validate+pack alone {pack:0} ms");
            if (run == 0)
            {
                cold = (appRun.Ms, appRun.Allocated, appRun.Peak);
            }
            else
            {
                paired.Add(appRun.Ms, boundRun.Ms);
                appMs.Add(appRun.Ms);
                boundMs.Add(boundRun.Ms);
                writes.Add((double)appRun.Written / SampleEvents.BatchSize);
                peaks.Add(appRun.Peak);
                allocations.Add(appRun.Allocated);
                boundAllocations.Add(boundRun.Allocated);
                packMs.Add(pack);
            }
        }

        await app.Events.ClearMessagesAsync();
        var bodyBytes = (double)bodies[0].Length;
        var app50 = PairedRuns.Median(appMs);
        var bound50 = PairedRuns.Median(boundMs);
        // Judged on the ratio of the medians, the larger and steadier reading here; the median of the paired ratios and
        // their range are printed beside it, so that a disagreement between the two shows.
        var ratio = paired.RatioOfMedians;
        table.Add("batch ingest 4,000 events: median wall time", $"{app50:0} ms", $"{bound50:0} ms (ready-made writes)", ratio, "≤ 1.3×", ratio <= 1.3);
        table.Add("  same runs, paired", paired.Describe(), "—", paired.MedianOfRatios, "report", null);
        table.Add("batch ingest: first call of the process (cold)", $"{cold.Ms:0} ms, peak +{cold.Peak / 1048576.0:0.0} MiB", $"{bodyBytes / 1048576:0.0} MiB (body)", cold.Peak / bodyBytes, "≤ 3× body", cold.Peak / bodyBytes <= 3);
        table.Add("batch ingest 4,000 events: absolute", $"{app50:0} ms (p90 {PairedRuns.Percentile(appMs, 90):0})", "—", null, "well under 5 s", app50 < 2500);
        table.Add("batch ingest: storage writes per event", $"{PairedRuns.Median(writes):0.0000}", $"{ready.Count / (double)SampleEvents.BatchSize:0.0000} (same packing)", null, "≤ 0.05", PairedRuns.Median(writes) <= 0.05);
        table.Add("batch ingest: peak working set above idle, warm (median, max)", $"{PairedRuns.Median(peaks) / 1048576:0.0} MiB, {peaks.Max() / 1048576:0.0} MiB", $"{bodyBytes / 1048576:0.0} MiB (body)", peaks.Max() / bodyBytes, "≤ 3× body", peaks.Max() / bodyBytes <= 3);
        table.Add("batch ingest: allocated per call", $"{PairedRuns.Median(allocations) / 1048576:0.0} MiB ({PairedRuns.Median(allocations) / bodyBytes:0.0}× body)", $"{PairedRuns.Median(boundAllocations) / 1048576:0.0} MiB (ready-made writes)", PairedRuns.Median(allocations) / PairedRuns.Median(boundAllocations), "report", null);
        table.Add("batch ingest: parse+validate+pack alone", $"{PairedRuns.Median(packMs):0} ms", "—", null, "report", null);
    }

    private static async Task<(double Ms, long Allocated, int Written, long Peak)> MeasureAsync(AppUnderTest app, bool sampled, Func<Task> work)
    {
        await app.Events.ClearMessagesAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var sampler = sampled ? MemorySampler.Start() : null;
        var clock = Stopwatch.StartNew();
        await work();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        sampler?.Dispose();
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        return (elapsed, allocated, await app.QueuedMessagesAsync(), sampler?.AboveBaseline ?? 0);
    }

    private static Task WriteReadyAsync(AppUnderTest app, IReadOnlyList<BinaryData> ready) =>
        Parallel.ForEachAsync(
            ready,
            new ParallelOptions { MaxDegreeOfParallelism = EventQueue.MaxParallelWrites },
            async (envelope, ct) => await app.Events.SendMessageAsync(envelope, null, null, ct));
}
