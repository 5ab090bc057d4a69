using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// One instance of a deployment in a process of its own, for <see cref="BudgetRowUnderProcessesTests"/>: a real
/// <see cref="StoriesBudget"/> over a real <see cref="BudgetTable"/>, with <c>askers</c> invocations asking for slots in
/// a loop for <c>seconds</c> once told to go. An invocation told Go waits for its grant's time as a real one would (and
/// answers for a span's opening call at once); one told Wait waits in-process when the wait is short, else comes back
/// when its message would (<see cref="BudgetLedger.WakeEarly"/> before its round) and asks as scheduled.
/// Says <c>ready</c> on standard output when warmed up, starts on a line from standard input (so that processes that
/// start slowly do not shorten the time they ask together), and ends by writing an <see cref="AskerReport"/> as JSON.
/// </summary>
internal static class BudgetAsker
{
    /// <param name="args">connection string, API key, rate limit, askers, seconds.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var stories = Options.Create(new StoriesOptions { ApiKey = args[1], RateLimit = args[2] });
        var store = new CountingStore(new BudgetTable(new TableServiceClient(args[0]), stories));
        var budget = new StoriesBudget(store, stories, TimeProvider.System, NullLogger<StoriesBudget>.Instance);
        var (askers, seconds) = (int.Parse(args[3], CultureInfo.InvariantCulture), double.Parse(args[4], CultureInfo.InvariantCulture));
        await budget.ReadAsync(CancellationToken.None);
        await Console.Out.WriteLineAsync("ready");
        await Console.Out.FlushAsync();
        await Console.In.ReadLineAsync();
        var end = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(seconds);

        var runs = await Task.WhenAll(Enumerable.Range(0, askers).Select(i => AskAsync(budget, end, new Random(Environment.ProcessId * 100 + i))));

        var report = new AskerReport(
            [.. runs.SelectMany(r => r.Slots)], [.. runs.SelectMany(r => r.LatenciesMs)], [.. runs.SelectMany(r => r.AskedAt)], [.. runs.SelectMany(r => r.Failures)],
            runs.Sum(r => r.Waits), store.Reads, store.Writes, budget.Conflicts);
        Console.Out.Write(JsonSerializer.Serialize(report));
        return 0;
    }

    private static async Task<Run> AskAsync(StoriesBudget budget, DateTimeOffset end, Random random)
    {
        var run = new Run();
        var scheduled = false;
        while (DateTimeOffset.UtcNow < end)
        {
            var calls = random.Next(1, 3);
            var ask = new BudgetAsk(calls, calls + random.Next(0, 20), scheduled, DateTimeOffset.UtcNow);
            var watch = Stopwatch.StartNew();
            try
            {
                var grant = await budget.AskAsync(ask, CancellationToken.None);
                run.LatenciesMs.Add(watch.Elapsed.TotalMilliseconds);
                run.AskedAt.Add(ask.OldestReceivedAt.UtcTicks);
                var wait = grant as BudgetGrant.Wait;
                (scheduled, var idle) = wait is null ? (false, await RecordAsync(budget, run, (BudgetGrant.Go)grant))
                    : Until(wait.Until) <= BudgetLedger.MaxWait ? (scheduled || wait.Reserved, Until(wait.Until))
                    : (true, Until(wait.Until - BudgetLedger.WakeEarly));
                run.Waits += grant is BudgetGrant.Wait ? 1 : 0;
                await Task.Delay(Min(idle, Until(end)));
            }
            catch (Exception ex)
            {
                run.Failures.Add($"{ex.GetType().Name}: {ex.Message}");
            }
        }

        return run;
    }

    /// <summary>The granted calls (all counted at the grant's time), and how long the invocation waits to send them.</summary>
    private static async Task<TimeSpan> RecordAsync(StoriesBudget budget, Run run, BudgetGrant.Go go)
    {
        run.Slots.AddRange(Enumerable.Repeat(go.At.UtcTicks, go.Calls));
        if (go.Opens)
        {
            await budget.ReportOpeningAsync(go.At, new StoriesResponse(System.Net.HttpStatusCode.Created, null, null, null), CancellationToken.None);
        }

        return Until(go.At);
    }

    private static TimeSpan Until(DateTimeOffset at) => at > DateTimeOffset.UtcNow ? at - DateTimeOffset.UtcNow : TimeSpan.Zero;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Run
    {
        public List<long> Slots { get; } = [];

        public List<double> LatenciesMs { get; } = [];

        public List<long> AskedAt { get; } = [];

        public List<string> Failures { get; } = [];

        public int Waits { get; set; }
    }

    /// <summary>The row as the asker sees it, counting reads and writes (a write that lost still counts).</summary>
    private sealed class CountingStore(IBudgetStore table) : IBudgetStore
    {
        private long _reads;
        private long _writes;

        public long Reads => Interlocked.Read(ref _reads);

        public long Writes => Interlocked.Read(ref _writes);

        public Task<(BudgetState State, string Version)> ReadAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return table.ReadAsync(cancellationToken);
        }

        public Task<string?> TryWriteAsync(BudgetState state, string version, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            return table.TryWriteAsync(state, version, cancellationToken);
        }
    }
}

/// <summary>What one asker process saw: granted slots and when each ask was made (UTC ticks), ask latencies, failures, and the row's cost.</summary>
internal sealed record AskerReport(long[] Slots, double[] LatenciesMs, long[] AskedAt, string[] Failures, int Waits, long Reads, long Writes, long Conflicts);
