using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// The budget row under many instances for real: <see cref="Processes"/> OS processes (<see cref="BudgetAsker"/>), each
/// a <see cref="StoriesBudget"/> over one <see cref="BudgetTable"/> row in Azurite, asking at once for
/// <see cref="Asking"/>. Conflicts must all be resolved by backing off, and the calls granted across processes must keep
/// every span under the burst (and so every window under the limit). Prints the row's cost and the ask latency.
/// </summary>
[Category("Integration")]
[NonParallelizable]
public class BudgetRowUnderProcessesTests
{
    private const int Processes = 8;
    private const int AskersPerProcess = 8;

    // Stories' window scaled down tenfold (6 s, not a minute) with its count kept at 600: 10 s of asking crosses the
    // window, and the row is as busy as a deployment sending 95 calls a second.
    private static readonly BudgetRate Rate = new(600, TimeSpan.FromSeconds(6), "setting");
    private static readonly TimeSpan Asking = TimeSpan.FromSeconds(10);

    // Eight .NET processes starting at once on a small, shared machine.
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(60);

    [Test]
    [Category(TestCategories.Slow)]
    public async Task AskAsync_EightProcessesOnOneRow_NoAskFailsAndNoWindowExceedsTheLimit()
    {
        var azurite = await Azurite.EnsureStartedAsync();
        string[] args = [azurite.ConnectionString, "budget-processes-" + Guid.NewGuid().ToString("N"), $"{Rate.Limit}/{Rate.Window.TotalSeconds}s",
            $"{AskersPerProcess}", $"{Asking.TotalSeconds}"];
        var askers = Enumerable.Range(0, Processes).Select(_ => new Asker(args)).ToList();
        var (start, reports) = (DateTimeOffset.MinValue, Array.Empty<AskerReport>());
        try
        {
            await Task.WhenAll(askers.Select(a => a.ReadyAsync()));
            start = DateTimeOffset.UtcNow;

            reports = await Task.WhenAll(askers.Select(a => a.GoAsync()));
        }
        finally
        {
            askers.ForEach(a => a.Dispose());
        }

        var slots = reports.SelectMany(r => r.Slots).Order().Select(t => new DateTimeOffset(t, TimeSpan.Zero)).ToList();
        var failures = reports.SelectMany(r => r.Failures).ToList();
        var busiest = slots.Select((at, i) => slots.Skip(i).TakeWhile(t => t < at + Rate.Window).Count()).DefaultIfEmpty().Max();
        var busiestSpan = slots.Select((at, i) => slots.Skip(i).TakeWhile(t => t < at + Rate.Span).Count()).DefaultIfEmpty().Max();
        TestContext.Out.WriteLine(Figures(reports, slots.Count, busiest, start));
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, "every conflict resolved by backing off");
            Assert.That(busiest, Is.LessThanOrEqualTo(Rate.Limit), "calls granted in any window, across all processes");
            Assert.That(busiestSpan, Is.LessThanOrEqualTo(Rate.Burst), "no call granted twice: any span holds at most a burst");
            Assert.That(reports.Select(r => r.Slots.Length), Has.All.Positive, "every process was granted slots");
        });
    }

    private static string Figures(AskerReport[] reports, int calls, int busiest, DateTimeOffset start)
    {
        var latencies = reports.SelectMany(r => r.LatenciesMs).Order().ToList();

        // Every asker asks at the same instant at the start: a herd. After it, asks come as slots pass.
        var settled = reports.SelectMany(r => r.LatenciesMs.Zip(r.AskedAt)).Where(a => a.Second > (start + TimeSpan.FromSeconds(2)).UtcTicks).Select(a => a.First).Order().ToList();
        var (writes, reads, conflicts) = (reports.Sum(r => r.Writes), reports.Sum(r => r.Reads), reports.Sum(r => r.Conflicts));
        var grants = latencies.Count - reports.Sum(r => r.Waits);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Processes} processes × {AskersPerProcess} askers, {Asking.TotalSeconds:0} s at {Rate.Limit}/{Rate.Window.TotalSeconds:0}s: " +
            $"{latencies.Count} asks ({grants} Go, {latencies.Count - grants} Wait), {calls} calls granted, busiest window {busiest}/{Rate.Limit}; " +
            $"{writes} writes, {conflicts} conflicts ({(double)conflicts / writes:0.000} per write), {reads} reads; " +
            $"{(double)(reads + writes) / grants:0.00} table operations per Go ({(double)(reads + writes) / latencies.Count:0.00} per ask); " +
            $"ask latency p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies.LastOrDefault():0.0} ms; " +
            $"after the first 2 s ({settled.Count} asks) p50 {Percentile(settled, 0.50):0.0} ms, p99 {Percentile(settled, 0.99):0.0} ms");
    }

    private static double Percentile(List<double> sorted, double share) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(share * sorted.Count))];

    /// <summary>One <see cref="BudgetAsker"/> process: started at once, told to go when every one is ready.</summary>
    private sealed class Asker : IDisposable
    {
        private readonly Process _process;

        public Asker(string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(typeof(BudgetAsker).Assembly.Location);
            info.ArgumentList.Add("budget-asker");
            args.ToList().ForEach(info.ArgumentList.Add);
            _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start an asker process.");
        }

        public async Task ReadyAsync()
        {
            var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(StartUp);
            Assert.That(line, Is.EqualTo("ready"), () => _process.StandardError.ReadToEnd());
        }

        public async Task<AskerReport> GoAsync()
        {
            await _process.StandardInput.WriteLineAsync("go");
            await _process.StandardInput.FlushAsync();
            var (output, error) = (_process.StandardOutput.ReadToEndAsync(), _process.StandardError.ReadToEndAsync());
            await _process.WaitForExitAsync().WaitAsync(Asking + StartUp);

            Assert.That(_process.ExitCode, Is.Zero, await error);
            return JsonSerializer.Deserialize<AskerReport>(await output) ?? throw new InvalidOperationException("An asker wrote no report.");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }
}
