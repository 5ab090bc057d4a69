using System.Globalization;
using Azure.Storage.Queues;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// Runs one tenant in a host lifetime of its own: emptied storage with the trigger queues in place, one <c>func start</c>
/// with the repository's host.json and the app's defaults, its storage through a <see cref="CountedStorage"/>, its
/// telemetry to a <see cref="TelemetryCapture"/>, and a Stories that answers in ~80 ms under Stories' real limit
/// (<c>LaravelWindow(300, 1 minute)</c>). Start, prepare, settle, record the span, let the channels flush, stop.
/// </summary>
internal static class TenantLifetime
{
    private static readonly TimeSpan StoriesLatency = TimeSpan.FromMilliseconds(80);

    // Every channel sends within 30 s; per-minute metrics leave at the minute's end, which is the span's end.
    private static readonly TimeSpan Flush = TimeSpan.FromSeconds(Setting("RECORDING_FLUSH_SECONDS", 45));

    // An invocation's request telemetry is stamped at its start and sent at its end: those begun in the span and running
    // past it are waited for (up to this long) before the flush, or their items would be lost with the host.
    private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(Setting("RECORDING_END_WAIT_SECONDS", 150));

    public static async Task<TenantRun> RecordAsync(Tenant tenant, string app, FunctionTriggers triggers, Azurite azurite, CancellationToken cancellationToken)
    {
        await HostStorage.ResetAsync(azurite.ConnectionString, cancellationToken);
        var queues = new QueueServiceClient(azurite.ConnectionString);
        foreach (string queue in triggers.Queues)
        {
            await queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        await using var storage = CountedStorage.Start(azurite);
        await using var telemetry = new TelemetryCapture();
        await using var stories = await StoriesStandIn.StartAsync();
        stories.RateLimit = new LaravelWindow(300, TimeSpan.FromMinutes(1));
        stories.BeforeAnswer = _ => Task.Delay(StoriesLatency, CancellationToken.None);
        await using var host = await FunctionsHost.StartAsync(app, Settings(storage, telemetry, stories), cancellationToken: cancellationToken);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tenant.Name}: {host} running after {host.StartupTime.TotalSeconds:0.0} s"));

        var sender = new WebhookSender(host, tenant.Name);
        await tenant.Prepare(sender, cancellationToken);
        var window = RecordingWindow.FromMinuteAfter(DateTimeOffset.UtcNow + tenant.Settle, tenant.Span);
        await RecordingWindow.DelayUntilAsync(window.Start, cancellationToken);
        var traffic = await tenant.Drive(sender, window, cancellationToken);
        await RecordingWindow.DelayUntilAsync(window.End, cancellationToken);
        int peak = InstancePeakMiB(app);
        await WaitForSpanInvocationsAsync(host, window, cancellationToken);
        await Task.Delay(Flush, cancellationToken);
        await host.StopAsync();
        host.Output.SaveForTest(tenant.Name);
        return new TenantRun(
            tenant, window, traffic, HostInvocations.Read(host.Output.Lines), storage.Requests, telemetry.Items, stories.Requests, peak);
    }

    /// <summary>
    /// Only what a deployment sets (infra/: storage, the three secrets, Stories' URL, the telemetry connection); every
    /// tunable keeps the app's default, which is infra's. The console settings change what the console shows, not
    /// what is sent.
    /// </summary>
    private static Dictionary<string, string?> Settings(CountedStorage storage, TelemetryCapture telemetry, StoriesStandIn stories) =>
        new(HostInvocations.ConsoleSettings)
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = telemetry.ConnectionString,
            ["Stories__ApiKey"] = "recorder-key",
            ["Stories__BaseUrl"] = stories.BaseUrl.AbsoluteUri,
            ["Segment__SharedSecret"] = SampleEvents.SharedSecret,
            ["Erasure__HashKey"] = "recorder-erasure-hash-key-0123456789abcdef",

            // The harness raises one dispatcher category to Debug to explain failed starts; that would reach App Insights.
            ["AzureFunctionsJobHost__logging__logLevel__Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcFunctionInvocationDispatcher"] = null,
        };

    private static async Task WaitForSpanInvocationsAsync(FunctionsHost host, RecordingWindow window, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + EndWait;
        while (HostInvocations.Read(host.Output.Lines).Any(i => window.Contains(i.Start) && i.Duration is null) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>
    /// The instance's peak: the worker's and its host's peak resident sets (<c>VmHWM</c>) added, an upper bound of their
    /// peak together. The worker is the one serving this build; the host is its parent.
    /// </summary>
    private static int InstancePeakMiB(string app)
    {
        var worker = WorkerProcess.Find(app) ?? throw new InvalidOperationException($"No worker of {app} is running.");
        string stat = File.ReadAllText($"/proc/{worker.Pid}/stat");
        int parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        return (int)Math.Round((worker.PeakResidentBytes + new WorkerProcess(parent).PeakResidentBytes) / 1048576.0);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int value) ? value : fallback;
}
