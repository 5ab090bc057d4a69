using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// When a starting host is ready: <c>/admin/host/status</c> answers <c>Running</c>, which the host reports only once
/// the worker has indexed the functions and every listener (HTTP routes, queue polling) has started.
/// </summary>
internal static class HostReadiness
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    // The host gives up on a worker that keeps dying at start-up, then hangs while shutting down: fail at once.
    private const string WorkerGaveUp = "Exceeded language worker restart retry count";

    /// <summary>Returns how long it took; throws what <paramref name="failure"/> makes when the host exits, gives up or is late.</summary>
    public static async Task<TimeSpan> WaitAsync(
        HostProcess process, HostOutput output, HttpClient http, TimeSpan timeout, Func<string, Exception> failure, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string state = "no answer";
        while (true)
        {
            if (process.HasExited)
            {
                throw failure(string.Create(CultureInfo.InvariantCulture, $"func exited with code {process.ExitCode} before the host was running"));
            }

            if (output.Contains(WorkerGaveUp))
            {
                throw failure("the worker kept failing at start-up (its reason is in the WorkerErrorEvent lines)");
            }

            if (clock.Elapsed > timeout)
            {
                throw failure($"the host was not Running within {timeout.TotalSeconds:0} s (last status: {state})");
            }

            state = await ProbeAsync(http, cancellationToken).ConfigureAwait(false);
            if (state == "Running")
            {
                return clock.Elapsed;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The host's state (no key is needed under <c>func start</c>), or why there is none.</summary>
    private static async Task<string> ProbeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await http.GetAsync(new Uri("admin/host/status", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}");
            }

            using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            return status.RootElement.TryGetProperty("state", out var value) ? value.GetString() ?? "null" : "no state";
        }
        catch (HttpRequestException e)
        {
            return "no answer: " + e.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {ProbeTimeout.TotalSeconds:0} s";
        }
        catch (JsonException)
        {
            return "not JSON";
        }
    }
}
