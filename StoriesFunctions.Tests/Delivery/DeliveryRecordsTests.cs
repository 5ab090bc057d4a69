using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>De-duplication records against real Azurite tables, with the clock in the test's hands.</summary>
[NonParallelizable]
public class DeliveryRecordsTests
{
    // An odd period far from the real clock, so these tables never meet the other tests' tables.
    private static readonly TimeSpan Retention = TimeSpan.FromDays(13);

    private static async Task<(DeliveryRecords Records, FakeTimeProvider Time, TableServiceClient Tables)> CreateAsync()
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch + (Retention * 10) + TimeSpan.FromHours(1));
        var records = new DeliveryRecords(tables, Options.Create(new DeliveryOptions { DedupeRetention = Retention }), time);
        return (records, time, tables);
    }

    private static async Task<List<string>> TableNamesAsync(TableServiceClient tables) =>
        await tables.QueryAsync("TableName ge 'delivered1' and TableName lt 'delivered2'").Select(t => t.Name).ToListAsync();

    [Test]
    public async Task GetAsync_UnknownId_IsNone()
    {
        var (records, _, _) = await CreateAsync();

        Assert.That(await records.GetAsync($"never-{Guid.NewGuid()}", CancellationToken.None), Is.EqualTo(DeliveredSteps.None));
    }

    [Test]
    public async Task RecordAsync_StepsSoFar_AreReadBack()
    {
        var (records, _, _) = await CreateAsync();
        var id = $"m/{Guid.NewGuid()}#odd?";

        await records.RecordAsync(id, DeliveredSteps.User, CancellationToken.None);
        var afterUser = await records.GetAsync(id, CancellationToken.None);
        await records.RecordAsync(id, DeliveredSteps.User | DeliveredSteps.Event, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(afterUser, Is.EqualTo(DeliveredSteps.User));
            Assert.That(await records.GetAsync(id, CancellationToken.None), Is.EqualTo(DeliveredSteps.User | DeliveredSteps.Event));
        });
    }

    [Test]
    public async Task GetAsync_KeepsRecordsForAtLeastTheRetentionThenDropsTheirTableWhole()
    {
        var (records, time, tables) = await CreateAsync();
        var id = $"m-{Guid.NewGuid()}";
        await records.RecordAsync(id, DeliveredSteps.Event, CancellationToken.None);

        time.Advance(Retention);
        var nextPeriod = await records.GetAsync(id, CancellationToken.None);
        time.Advance(Retention);
        var twoPeriodsLater = await records.GetAsync(id, CancellationToken.None);

        var names = await TableNamesAsync(tables);
        Assert.Multiple(() =>
        {
            Assert.That(nextPeriod, Is.EqualTo(DeliveredSteps.Event), "still remembered a full retention later");
            Assert.That(twoPeriodsLater, Is.EqualTo(DeliveredSteps.None));
            Assert.That(names, Does.Not.Contain("delivered10"), "the oldest table is dropped, not its rows one by one");
            Assert.That(names, Does.Contain("delivered11").And.Contain("delivered12"));
        });
    }
}
