using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Stories;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

/// <summary>The budget row in real table storage (Azurite), shared by several instances asking at once.</summary>
[NonParallelizable]
public class StoriesBudgetTests
{
    private static async Task<Func<StoriesBudget>> InstancesAsync(string rateLimit)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var key = "budget-test-" + Guid.NewGuid().ToString("N");
        var stories = Options.Create(new StoriesOptions { ApiKey = key, RateLimit = rateLimit });
        return () => new StoriesBudget(new BudgetTable(new TableServiceClient(azurite.ConnectionString), stories), stories, TimeProvider.System, NullLogger<StoriesBudget>.Instance);
    }

    private static BudgetAsk Ask(bool scheduled = false) => new(1, 1, scheduled, DateTimeOffset.UtcNow);

    [Test]
    public async Task AskAsync_FourInstancesAskingAtOnce_BurstsThatNeverOverfillASpan()
    {
        var instance = await InstancesAsync("100/1s");
        var budgets = Enumerable.Range(0, 4).Select(_ => instance()).ToList();

        var grants = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => budgets[i % 4].AskAsync(Ask(scheduled: true), CancellationToken.None)));

        var calls = grants.OfType<BudgetGrant.Go>().SelectMany(g => Enumerable.Repeat(g.At, g.Calls)).Order().ToList();
        var rate = new BudgetRate(100, TimeSpan.FromSeconds(1), "setting");
        var busiest = calls.Select((at, i) => calls.Skip(i).TakeWhile(t => t < at + rate.Span).Count()).Max();
        var operations = budgets.Sum(b => b.StorageOperations);
        TestContext.Out.WriteLine($"200 asks from 4 instances: {calls.Count} calls granted, busiest span {busiest}/{rate.Burst}, {operations} table operations ({operations / 200.0:0.00} per ask)");
        Assert.Multiple(() =>
        {
            Assert.That(busiest, Is.EqualTo(rate.Burst), "a full burst, and no call more, in any span: granted calls are counted across instances");
            Assert.That(calls.Count(at => at < calls[0] + TimeSpan.FromMilliseconds(500)), Is.EqualTo(rate.Burst), "the first burst at once, not paced");
            Assert.That(grants.Count(g => g is BudgetGrant.Go), Is.GreaterThanOrEqualTo(2 * rate.Burst), "two bursts come within the in-process wait");
            Assert.That(operations, Is.LessThan(200 * 3), "asks in flight together share writes");
        });
    }

    [Test]
    public async Task PauseAsync_OneInstanceGotA429_EveryOtherInstanceWaitsItOut()
    {
        var instance = await InstancesAsync("100/1s");
        var (throttled, other) = (instance(), instance());

        await throttled.PauseAsync(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3), CancellationToken.None);
        var grant = await other.AskAsync(Ask(scheduled: true), CancellationToken.None);

        Assert.That(((BudgetGrant.Wait)grant).Until - DateTimeOffset.UtcNow, Is.GreaterThan(TimeSpan.FromSeconds(2.5)), "longer than an in-process wait: back to the queue until the pause ends");
    }

    [Test]
    public async Task ObserveAsync_StoriesStatesItsLimit_EveryInstancePacesByIt()
    {
        var instance = await InstancesAsync(string.Empty);
        var (first, other) = (instance(), instance());

        await first.ObserveAsync(new StoriesResponse(System.Net.HttpStatusCode.Created, null, null, null, Limit: 600, Remaining: 599), CancellationToken.None);
        var (state, rate) = await other.ReadAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(state.LearnedLimit, Is.EqualTo(600));
            Assert.That(rate, Is.EqualTo(new BudgetRate(600, TimeSpan.FromMinutes(1), "X-RateLimit-Limit")));
        });
    }
}
