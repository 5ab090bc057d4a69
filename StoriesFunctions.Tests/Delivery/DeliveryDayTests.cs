using System.Globalization;
using Azure.Data.Tables;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

/// <summary>The console's day: which minutes it holds, how per-instance rows become one point per bucket.</summary>
public class DeliveryDayTests
{
    private static readonly DateTimeOffset Now = At("2030-03-04 12:37:30");
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);

    private static DateTimeOffset At(string utc) =>
        DateTimeOffset.ParseExact(utc, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static TableEntity Row(string minute, string instance, long received, long delivered = 0, long retried = 0, long deadLettered = 0) =>
        new(minute, instance) { ["Received"] = received, ["Delivered"] = delivered, ["Retried"] = retried, ["DeadLettered"] = deadLettered };

    private static TableEntity Backlog(string minute, double ageSeconds) =>
        new(minute, DeliveryHistory.BacklogRowKey) { [DeliveryHistory.MessagesColumn] = 3L, [DeliveryHistory.OldestAgeColumn] = ageSeconds };

    private static DeliveryPoint PointAt(DeliveryDay day, string utc) => day.Points.Single(p => p.Start == At(utc));

    // The last bucket holds the current minute; the day is that bucket and the ones before it, a day's worth.
    [TestCase(1, "2030-03-03 12:38:00", 1440, "2030-03-04 12:38:00")]
    [TestCase(5, "2030-03-03 12:40:00", 288, "2030-03-04 12:40:00")]
    [TestCase(60, "2030-03-03 13:00:00", 24, "2030-03-04 13:00:00")]
    public void Bounds_BucketsOfMinutes_EndWithTheBucketOfNow(int minutes, string from, int count, string to)
    {
        var day = DeliveryDay.Sum(Now, TimeSpan.FromMinutes(minutes), []);

        Assert.Multiple(() =>
        {
            Assert.That(day.From, Is.EqualTo(At(from)));
            Assert.That(day.Points, Has.Count.EqualTo(count));
            Assert.That(day.To, Is.EqualTo(At(to)));
        });
    }

    [TestCase(0.5)]
    [TestCase(7)]
    [TestCase(2880)]
    public void Bounds_BucketThatDoesNotDivideADayInMinutes_Throws(double minutes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DeliveryDay.Bounds(Now, TimeSpan.FromMinutes(minutes)));

    [Test]
    public void Sum_TwoInstancesAndFiveMinutesOfOneBucket_AddUpInThatBucket()
    {
        TableEntity[] rows =
        [
            Row("203003040935", "instance-a", 10, 9, 1, 0),
            Row("203003040935", "instance-b", 5, 5, 0, 1),
            Row("203003040939", "instance-a", 2, 2, 0, 0),
            Row("203003040940", "instance-a", 7, 7, 0, 0),
        ];

        var day = DeliveryDay.Sum(Now, Five, rows);

        Assert.Multiple(() =>
        {
            Assert.That(PointAt(day, "2030-03-04 09:35:00").Counts, Is.EqualTo(new DeliveryCounts(17, 16, 1, 1)));
            Assert.That(PointAt(day, "2030-03-04 09:40:00").Counts, Is.EqualTo(new DeliveryCounts(7, 7, 0, 0)));
            Assert.That(day.Points.Sum(p => p.Counts.Received), Is.EqualTo(24));
        });
    }

    [Test]
    public void Sum_MinutesWithoutRows_AreZeroPoints()
    {
        var day = DeliveryDay.Sum(Now, Five, [Row("203003040300", "instance-a", 4)]);

        Assert.Multiple(() =>
        {
            Assert.That(day.Points.Count(p => p.Counts != new DeliveryCounts(0, 0, 0, 0)), Is.EqualTo(1));
            Assert.That(PointAt(day, "2030-03-04 03:05:00").Counts, Is.EqualTo(new DeliveryCounts(0, 0, 0, 0)));
            Assert.That(day.Points.Select(p => p.Start), Is.Ordered.And.Unique);
        });
    }

    // The day's edges: its first minute and the current bucket's minutes are in (a row of the next minute is an
    // instance whose clock runs ahead); the minute before the day and the next bucket are not.
    [TestCase("203003031239", false)]
    [TestCase("203003031240", true)]
    [TestCase("203003041237", true)]
    [TestCase("203003041239", true)]
    [TestCase("203003041240", false)]
    [TestCase("not-a-minute", false)]
    public void Sum_RowAtTheEdgesOfTheDay_CountedOnlyInside(string minute, bool counted)
    {
        var day = DeliveryDay.Sum(Now, Five, [Row(minute, "instance-a", 1)]);

        Assert.That(day.Points.Sum(p => p.Counts.Received), Is.EqualTo(counted ? 1 : 0));
    }

    [Test]
    public void Sum_BacklogSamples_TheBucketsHighestAgeAndNoCounts()
    {
        TableEntity[] rows = [Backlog("203003040300", 60), Backlog("203003040302", 180.5), Backlog("203003040304", 90), Row("203003040301", "instance-a", 2)];

        var day = DeliveryDay.Sum(Now, Five, rows);

        Assert.Multiple(() =>
        {
            Assert.That(PointAt(day, "2030-03-04 03:00:00").BacklogAge, Is.EqualTo(TimeSpan.FromSeconds(180.5)));
            Assert.That(PointAt(day, "2030-03-04 03:00:00").Counts, Is.EqualTo(new DeliveryCounts(2, 0, 0, 0)));
            Assert.That(day.Points.Count(p => p.BacklogAge > TimeSpan.Zero), Is.EqualTo(1));
        });
    }
}
