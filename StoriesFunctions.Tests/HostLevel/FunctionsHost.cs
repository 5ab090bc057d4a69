using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// The app under the real Azure Functions host: one <c>func start --port N --script-root APP</c> with its worker,
/// configured only through environment variables, with its own state folder. Started when
/// <see cref="StartAsync"/> returns (<c>/admin/host/status</c> says <c>Running</c>: functions indexed, listeners
/// started); disposing stops host and worker.
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>Longest wait for <c>Running</c>: it takes about 3.5 s alone on an idle two-core machine, 6 s for two at once.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    // A worker that dies at start-up (e.g. failed options validation) says why only at Debug level of this category.
    private static readonly Dictionary<string, string?> Diagnostics = new()
    {
        ["AzureFunctionsJobHost__logging__logLevel__Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcFunctionInvocationDispatcher"] = "Debug",
    };

    private readonly string func;
    private readonly string appDirectory;
    private readonly string stateDirectory;
    private readonly CpuQuota? cpuQuota;
    private IReadOnlyDictionary<string, string?> settings;
    private HostProcess? process;

    private FunctionsHost(string func, string appDirectory, int port, IReadOnlyDictionary<string, string?> settings, CpuQuota? cpuQuota)
    {
        this.func = func;
        this.cpuQuota = cpuQuota;
        this.appDirectory = appDirectory;
        this.settings = settings;
        Port = port;
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        stateDirectory = Directory.CreateTempSubdirectory("stories-host-state-").FullName;
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client whose base address is <see cref="BaseAddress"/>; relative URIs like <c>api/segment</c> work.</summary>
    public HttpClient Http { get; }

    /// <summary>Everything the host and its worker logged, across restarts.</summary>
    public HostOutput Output { get; } = new();

    /// <summary>How long the last start took, from launching <c>func</c> to <c>Running</c>.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The settings the host runs with now (as given, without the harness's own).</summary>
    public IReadOnlyDictionary<string, string?> Settings => settings;

    /// <summary>
    /// Starts the host on <paramref name="appDirectory"/> (a build output) with <paramref name="settings"/> as its only
    /// settings (a null value removes a variable), on <paramref name="port"/> or a free port, and in
    /// <paramref name="cpuQuota"/>'s group (every start and restart) when given. Skips the test when <c>func</c> is not
    /// installed; throws with the host's output when it exits or is not running in time.
    /// </summary>
    public static async Task<FunctionsHost> StartAsync(
        string appDirectory,
        IReadOnlyDictionary<string, string?> settings,
        int? port = null,
        CpuQuota? cpuQuota = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string func = FuncCli.RequireOrSkip();
        var host = new FunctionsHost(func, Path.GetFullPath(appDirectory), port ?? FreePorts.Take(1)[0], settings, cpuQuota);
        try
        {
            await host.LaunchAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>POSTs <paramref name="json"/> to the Segment webhook, <c>/api/segment</c>, with an optional <c>X-Signature</c>.</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(string json, string? signature = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/segment")
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Signature", signature);
        }

        return await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="body"/> as JSON to <paramref name="path"/> (e.g. <c>api/segment</c>), with an optional <c>X-Signature</c>.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string? signature = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Signature", signature);
        }

        return await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops host and worker: SIGTERM, then a kill after 10 s. Does nothing when already stopped.</summary>
    public async Task StopAsync()
    {
        HostProcess? running = Interlocked.Exchange(ref process, null);
        if (running is not null)
        {
            await running.StopAsync(StopGrace).ConfigureAwait(false);
            running.Dispose();
        }
    }

    /// <summary>
    /// Kills host and worker at once with SIGKILL (no shutdown, nothing abandoned in order), as when an instance's machine
    /// dies. Returns the pids killed, the host's first; empty when already stopped.
    /// </summary>
    public IReadOnlyList<int> Kill()
    {
        HostProcess? running = Interlocked.Exchange(ref process, null);
        if (running is null)
        {
            return [];
        }

        var killed = running.KillAtOnce();
        running.Dispose();
        Output.Add($"[harness] killed {string.Join(", ", killed)} with SIGKILL");
        return killed;
    }

    /// <summary>Whether the host process is gone: stopped, killed, or exited on its own (a host that shuts itself down).</summary>
    public bool HasExited => process?.HasExited ?? true;

    /// <summary>Stops the host and starts it again on the same port, with <paramref name="newSettings"/> if given.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?>? newSettings = null, CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        settings = newSettings ?? settings;
        await LaunchAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Http.Dispose();
        try
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temp folder is cleaned by the OS eventually.
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"host on {BaseAddress}";

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>(Diagnostics) { ["REALHOST_STATE"] = stateDirectory };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        string[] arguments = ["start", "--port", Port.ToString(CultureInfo.InvariantCulture), "--script-root", appDirectory];
        Output.Add($"[harness] {func} {string.Join(' ', arguments)}");
        var started = HostProcess.Start(func, arguments, environment, Output, cpuQuota);
        process = started;
        StartupTime = await HostReadiness.WaitAsync(started, Output, Http, StartTimeout, Failure, cancellationToken).ConfigureAwait(false);
        Output.Add(string.Create(CultureInfo.InvariantCulture, $"[harness] Running after {StartupTime.TotalSeconds:0.0} s"));
    }

    private InvalidOperationException Failure(string what) =>
        new($"Functions host on port {Port} for {appDirectory}: {what}. Its output:{Environment.NewLine}{Output.Tail()}");
}
