using System.Diagnostics;
using StoriesFunctions.Tests.Costs;
using StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// Records what the app really does for the four tenants of issue 18 under the real host (<c>func start</c>), each in
/// its own host lifetime, and writes one recording per tenant to <c>docs/costs/recordings/&lt;tenant&gt;.json</c>: the
/// invocations by function and instance, the storage requests by meter and the telemetry bytes of a span, with the
/// factor that makes the span a month. The billing model reads them; docs/costs/recording.md says how they are made.
/// <c>TENANTS=idle,classic</c> records only those. A benchmark: it runs only when asked, for about 27 minutes.
/// </summary>
[Explicit("A benchmark: run it with --filter FullyQualifiedName~TenantRecording (docs/costs/recording.md)")]
[Category("HostBenchmark")]
[NonParallelizable]
public class TenantRecordingBenchmark
{
    [Test]
    [CancelAfter(45 * 60_000)]
    public async Task Record_EachTenantInItsOwnHostLifetime_WritesItsRecording(CancellationToken cancellationToken)
    {
        var tenants = Tenants.Selected(Environment.GetEnvironmentVariable("TENANTS"));
        var clock = Stopwatch.StartNew();
        string app = await AppBuild.OutputAsync(cancellationToken);
        var triggers = FunctionTriggers.Read(app);
        var azurite = await Azurite.EnsureStartedAsync();
        string directory = Path.Combine(AppBuild.RepositoryRoot, "docs", "costs", "recordings");
        TestContext.Out.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");

        var runs = new List<(TenantRun Run, Costs.Recording Recording)>();
        foreach (var tenant in tenants)
        {
            var run = await TenantLifetime.RecordAsync(tenant, app, triggers, azurite, cancellationToken);
            var recording = run.ToRecording(triggers);
            TestContext.Out.WriteLine($"{tenant.Name}: wrote {Write(recording, directory)}");
            RecordingSummary.WriteTenant(TestContext.Out, run, recording, triggers);
            runs.Add((run, recording));
        }

        RecordingSummary.WriteTable(TestContext.Out, runs);
        TestContext.Out.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}; run time {clock.Elapsed:mm\\:ss}");
        Assert.Multiple(() =>
        {
            foreach (var (run, recording) in runs)
            {
                Assert.That(run.Traffic.Refused, Is.Zero, $"{run.Tenant.Name}: every webhook call is answered 200");
                Assert.That(recording.Invocations, Is.Not.Empty, $"{run.Tenant.Name}: the host's invocation lines were read");
                Assert.That(recording.Storage.QueueClass2, Is.Positive, $"{run.Tenant.Name}: the hosts' storage requests were counted");
                Assert.That(recording.TelemetryBytes, Is.Positive, $"{run.Tenant.Name}: the telemetry was captured");
                Assert.That(run.Tenant.MonthlyEvents is null || recording.Events > 0, $"{run.Tenant.Name}: traffic was recorded");
                Assert.That(run.Facts(triggers).BurstsOverlap, Is.False, $"{run.Tenant.Name}: each burst's activity ends before the next burst");
            }
        });
    }

    /// <summary>Writes <c>&lt;tenant&gt;.json</c> into <paramref name="directory"/>, as the billing model reads it, and returns its path.</summary>
    private static string Write(Costs.Recording recording, string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, recording.Tenant + ".json");
        File.WriteAllText(path, RecordingJson.Write(recording) + Environment.NewLine);
        return path;
    }
}
