using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>The console's history against real Azurite tables, the clock in the test's hands: what a day reads and the backlog samples.</summary>
[NonParallelizable]
public class DeliveryHistoryTests
{
    private static async Task<(DeliveryHistory History, FakeTimeProvider Time, TableClient Table)> CreateAsync(DateTimeOffset now)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        var table = tables.GetTableClient(DeliveryStats.TableName);
        await table.CreateIfNotExistsAsync();
        var time = new FakeTimeProvider(now);
        return (new DeliveryHistory(tables, time), time, table);
    }

    // Far from the real clock (and from each other), so that no other test's rows fall in these days.
    private static DateTimeOffset Day(int n) => new DateTimeOffset(2001, 1, 1, 12, 37, 30, TimeSpan.Zero).AddDays(n * 3);

    private static TableEntity Row(DateTimeOffset minute, string instance, long received, long deadLettered = 0) =>
        new(DeliveryStats.Minute(minute), instance) { ["Received"] = received, ["Delivered"] = received - deadLettered, ["Retried"] = 0L, ["DeadLettered"] = deadLettered };

    [Test]
    public async Task ReadDay_RowsOfTwoInstancesInAndAroundTheDay_SumsOnlyTheDaysRows()
    {
        var now = Day(1);
        var (history, _, table) = await CreateAsync(now);
        await table.UpsertEntityAsync(Row(now.AddDays(-1).AddMinutes(-5), "instance-a", 1000));
        await table.UpsertEntityAsync(Row(now.AddHours(-23), "instance-a", 10, 1));
        await table.UpsertEntityAsync(Row(now.AddHours(-23), "instance-b", 5));
        await table.UpsertEntityAsync(Row(now, "instance-a", 3));
        await table.UpsertEntityAsync(Row(now.AddMinutes(10), "instance-a", 2000));

        var day = await history.ReadDayAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(day.Points, Has.Count.EqualTo(288));
            Assert.That(day.Points.Sum(p => p.Counts.Received), Is.EqualTo(18));
            Assert.That(day.Points.Single(p => p.Counts.Received == 15).Counts.DeadLettered, Is.EqualTo(1));
            Assert.That(day.Points[^1].Counts.Received, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task RecordBacklog_NothingQueued_WritesNoSample()
    {
        var (history, _, table) = await CreateAsync(Day(2));

        await history.RecordBacklogAsync(0, TimeSpan.Zero, CancellationToken.None);

        var samples = await table.QueryAsync<TableEntity>(e => e.PartitionKey == DeliveryStats.Minute(Day(2))).ToListAsync();
        Assert.That(samples, Is.Empty);
    }

    [Test]
    public async Task RecordBacklog_TwiceInAMinuteThenLater_OneSamplePerMinuteReadAsTheAge()
    {
        var (history, time, table) = await CreateAsync(Day(3));

        await history.RecordBacklogAsync(4, TimeSpan.FromSeconds(30), CancellationToken.None);
        await history.RecordBacklogAsync(5, TimeSpan.FromSeconds(45), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        await history.RecordBacklogAsync(6, TimeSpan.FromSeconds(100), CancellationToken.None);
        var day = await history.ReadDayAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        var first = await table.GetEntityAsync<TableEntity>(DeliveryStats.Minute(Day(3)), DeliveryHistory.BacklogRowKey);
        Assert.Multiple(() =>
        {
            Assert.That(first.Value.GetInt64(DeliveryHistory.MessagesColumn), Is.EqualTo(5));
            Assert.That(day.Points.Select(p => p.BacklogAge.TotalSeconds).TakeLast(3), Is.EqualTo(new[] { 0, 45.0, 100.0 }));
            Assert.That(day.Points.Sum(p => p.Counts.Received), Is.Zero);
        });
    }
}
