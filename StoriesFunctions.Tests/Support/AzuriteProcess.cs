using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StoriesFunctions.Tests.Support;

/// <summary>An Azurite started through npx, owned by this test run and killed with its whole process tree.</summary>
internal sealed class AzuriteProcess : IDisposable
{
    private const string Package = "azurite@3.37.0";

    // The first run downloads Azurite through npx, which dominates the start-up time.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process process;
    private readonly StringBuilder stderr = new();

    private AzuriteProcess(Process process)
    {
        this.process = process;
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, _) => { };

        // A test host that exits without running the tear-down must not leave node behind.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public static async Task<AzuriteProcess> StartAsync(int blobPort, int queuePort, int tablePort)
    {
        var info = new ProcessStartInfo("npx")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string arg in Arguments(blobPort, queuePort, tablePort))
        {
            info.ArgumentList.Add(arg);
        }

        Process started;
        try
        {
            started = Process.Start(info) ?? throw new InvalidOperationException("npx did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Azurite needs Node.js: 'npx' was not found on PATH.", e);
        }

        var azurite = new AzuriteProcess(started);
        started.BeginErrorReadLine();
        started.BeginOutputReadLine();
        try
        {
            await azurite.WaitUntilListeningAsync([blobPort, queuePort, tablePort]).ConfigureAwait(false);
            return azurite;
        }
        catch
        {
            azurite.Dispose();
            throw;
        }
    }

    public static async Task<bool> AllAcceptAsync(IEnumerable<int> ports)
    {
        foreach (int port in ports)
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        process.Dispose();
    }

    private static string[] Arguments(int blobPort, int queuePort, int tablePort) =>
    [
        "--yes", Package, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
        "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
        "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
        "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
    ];

    private async Task WaitUntilListeningAsync(int[] ports)
    {
        var clock = Stopwatch.StartNew();
        while (!await AllAcceptAsync(ports).ConfigureAwait(false))
        {
            if (process.HasExited)
            {
                throw Failure(string.Create(CultureInfo.InvariantCulture, $"exited with code {process.ExitCode}"));
            }

            if (clock.Elapsed > StartTimeout)
            {
                throw Failure($"did not listen on ports {string.Join(", ", ports)} within {StartTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(250).ConfigureAwait(false);
        }
    }

    private InvalidOperationException Failure(string what)
    {
        string output;
        lock (stderr)
        {
            output = stderr.Length == 0 ? "(nothing)" : stderr.ToString();
        }

        return new InvalidOperationException($"Azurite ('npx {Package}') {what}. Its stderr:{Environment.NewLine}{output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (stderr)
        {
            // Keep the tail bounded: only the first lines of a failure are useful.
            if (stderr.Length < 16_000)
            {
                stderr.AppendLine(line);
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                // npx runs Azurite as a child node process: killing npx alone would orphan it.
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
