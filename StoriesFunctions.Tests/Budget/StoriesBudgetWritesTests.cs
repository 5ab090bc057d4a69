using Azure;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Budget;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// The budget's writes when the row is busy or unreachable, on a fake clock: conflicts are waited out for up to
/// <see cref="BudgetBackoff.GiveUpAfter"/>, then asks fail as a storage failure; a pause or a learned limit never throws.
/// </summary>
public class StoriesBudgetWritesTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly BudgetAsk Ask = new(1, 1, Scheduled: false, Start);

    [Test]
    public async Task AskAsync_RowBusyForThirtyWritesInARow_WaitsItOutAndGrants()
    {
        var (row, clock) = (new RivalRow(rivalWrites: 30), new FakeTimeProvider(Start));
        var budget = Budget(row, clock);

        var grant = await RunAsync(budget.AskAsync(Ask, CancellationToken.None), clock, TimeSpan.FromMilliseconds(20));

        Assert.Multiple(() =>
        {
            Assert.That(grant, Is.InstanceOf<BudgetGrant.Go>());
            Assert.That(budget.Conflicts, Is.EqualTo(30));
            Assert.That(clock.GetUtcNow() - Start, Is.LessThan(BudgetBackoff.GiveUpAfter).And.GreaterThan(TimeSpan.FromSeconds(1)), "backed off, bounded by time");
        });
    }

    [Test]
    public void AskAsync_RowBusyPastTheWriteTimeout_FailsAsAStorageFailure()
    {
        var (row, clock) = (new RivalRow(rivalWrites: int.MaxValue), new FakeTimeProvider(Start));
        var budget = Budget(row, clock);

        var failed = Assert.ThrowsAsync<TimeoutException>(() => RunAsync(budget.AskAsync(Ask, CancellationToken.None), clock, TimeSpan.FromMilliseconds(50)));

        Assert.Multiple(() =>
        {
            Assert.That(failed!.IsStorageFailure(CancellationToken.None), Is.True, "the caller defers the message without an attempt");
            Assert.That(clock.GetUtcNow() - Start, Is.EqualTo(BudgetBackoff.GiveUpAfter).Within(TimeSpan.FromSeconds(1.1)));
        });
    }

    [Test]
    public async Task PauseAndObserve_RowUnreachable_LoggedNotThrown()
    {
        var (row, clock, logs) = (new RivalRow(rivalWrites: 0) { Down = true }, new FakeTimeProvider(Start), new FakeLogger<StoriesBudget>());
        var budget = new StoriesBudget(row, Options.Create(new StoriesOptions { ApiKey = "k" }), clock, logs);

        await budget.PauseAsync(Start + TimeSpan.FromSeconds(30), CancellationToken.None);
        await budget.ObserveAsync(new StoriesResponse(System.Net.HttpStatusCode.Created, null, null, null, Limit: 600, Remaining: 599), CancellationToken.None);
        var ask = Assert.ThrowsAsync<RequestFailedException>(() => budget.AskAsync(Ask, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(logs.Collector.GetSnapshot().Select(r => r.Id.Name), Is.EqualTo(new[] { "PauseNotShared", "LimitNotShared" }));
            Assert.That(ask!.IsStorageFailure(CancellationToken.None), Is.True, "an ask still fails, so its message waits");
        });
    }

    [Test]
    public async Task PauseAsync_BogusRetryAfter_EveryInstancePausesFifteenMinutesAtMost()
    {
        var (row, clock) = (new RivalRow(rivalWrites: 0), new FakeTimeProvider(Start));

        await Budget(row, clock).PauseAsync(Start + TimeSpan.FromSeconds(99_999_999), CancellationToken.None);

        Assert.That(row.State.PausedUntil, Is.EqualTo(Start + BudgetLedger.MaxPause));
    }

    private static StoriesBudget Budget(IBudgetStore row, TimeProvider clock) =>
        new(row, Options.Create(new StoriesOptions { ApiKey = "k", RateLimit = "20/2s" }), clock, new FakeLogger<StoriesBudget>());

    /// <summary>Moves the fake clock in <paramref name="step"/>s while <paramref name="task"/> waits out its backoff.</summary>
    private static async Task<T> RunAsync<T>(Task<T> task, FakeTimeProvider clock, TimeSpan step)
    {
        for (var spins = 0; !task.IsCompleted && spins < 10_000; spins++)
        {
            clock.Advance(step);
            await Task.Delay(1);
        }

        return await task;
    }

    /// <summary>The row with another instance that writes between each of our reads and writes, <c>rivalWrites</c> times.</summary>
    private sealed class RivalRow(int rivalWrites) : IBudgetStore
    {
        private int _version;

        public BudgetState State { get; private set; } = BudgetState.Empty;

        public bool Down { get; init; }

        public Task<(BudgetState State, string Version)> ReadAsync(CancellationToken cancellationToken) =>
            Down ? throw new RequestFailedException(503, "unavailable") : Task.FromResult((State, _version.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        public Task<string?> TryWriteAsync(BudgetState state, string version, CancellationToken cancellationToken)
        {
            if (rivalWrites-- > 0 || version != _version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                _version++;
                return Task.FromResult<string?>(null);
            }

            (State, _version) = (state, _version + 1);
            return Task.FromResult<string?>(_version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
