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
    public async Task AskAsync_FourInstancesAskingAtOnce_OneBurstThatNoInstanceOverfills()
    {
        var instance = await InstancesAsync("100/10s");
        var budgets = Enumerable.Range(0, 4).Select(_ => instance()).ToList();
        var opening = (BudgetGrant.Go)await budgets[0].AskAsync(Ask(), CancellationToken.None);
        await budgets[0].ReportOpeningAsync(opening.At, new StoriesResponse(System.Net.HttpStatusCode.Created, null, null, null, Limit: 100, Remaining: 99), CancellationToken.None);

        var grants = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => budgets[i % 4].AskAsync(Ask(scheduled: true), CancellationToken.None)));

        var rate = new BudgetRate(100, TimeSpan.FromSeconds(10), "setting");
        var calls = grants.OfType<BudgetGrant.Go>().Sum(g => g.Calls);
        var operations = budgets.Sum(b => b.StorageOperations);
        TestContext.Out.WriteLine($"200 asks from 4 instances after the opening call: {calls} calls granted at once, {grants.Length - grants.Count(g => g is BudgetGrant.Go)} told to wait, {operations} table operations ({operations / 200.0:0.00} per ask)");
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(rate.Burst - 1), "the rest of the burst, and no call more: granted calls are counted across instances");
            Assert.That(grants.OfType<BudgetGrant.Go>().Select(g => g.At), Has.All.LessThan(DateTimeOffset.UtcNow), "at once, not paced");
            Assert.That(grants.OfType<BudgetGrant.Wait>().Select(w => w.Until), Has.All.GreaterThanOrEqualTo(opening.At + rate.Span - TimeSpan.FromMilliseconds(1)), "the others: the next span");
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

        // 100 a second is paced: a slot 3 s away is waited for in-process (up to 5 s), not sent to the queue.
        var from = grant is BudgetGrant.Go go ? go.At : ((BudgetGrant.Wait)grant).Until;
        Assert.That(from - DateTimeOffset.UtcNow, Is.GreaterThan(TimeSpan.FromSeconds(2.5)));
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
