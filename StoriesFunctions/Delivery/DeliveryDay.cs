using System.Globalization;
using Azure.Data.Tables;

namespace StoriesFunctions.Delivery;

/// <summary>One bucket of a <see cref="DeliveryDay"/>: every instance's counts summed, and the oldest backlog age sampled.</summary>
public sealed record DeliveryPoint(DateTimeOffset Start, DeliveryCounts Counts, TimeSpan BacklogAge);

/// <summary>
/// The last day of <c>deliverystats</c> in buckets of equal length, oldest first; the last bucket holds the current
/// minute, so it is still filling. Buckets start on multiples of their length since midnight UTC, so a point stays put
/// from one read to the next. A minute without rows counts as zero: nothing was counted, or no instance was running.
/// </summary>
public sealed record DeliveryDay(DateTimeOffset From, TimeSpan Bucket, IReadOnlyList<DeliveryPoint> Points)
{
    public static readonly TimeSpan Length = TimeSpan.FromDays(1);

    public DateTimeOffset To => From + (Bucket * Points.Count);

    /// <summary>The first bucket's start and the number of buckets in the day that ends with the minute of <paramref name="now"/>.</summary>
    public static (DateTimeOffset From, int Count) Bounds(DateTimeOffset now, TimeSpan bucket)
    {
        if (bucket < TimeSpan.FromMinutes(1) || bucket.Ticks % TimeSpan.TicksPerMinute != 0 || Length.Ticks % bucket.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "A bucket is a whole number of minutes that divides a day.");
        }

        var count = (int)(Length.Ticks / bucket.Ticks);
        var last = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % bucket.Ticks), TimeSpan.Zero);
        return (last - (bucket * (count - 1)), count);
    }

    /// <summary>
    /// Sums <c>deliverystats</c> rows into the day's buckets: the counts of every instance's row, and the highest backlog
    /// age of the minutes' samples (<see cref="DeliveryHistory.BacklogRowKey"/>). Rows outside the day are left out.
    /// </summary>
    public static DeliveryDay Sum(DateTimeOffset now, TimeSpan bucket, IEnumerable<TableEntity> rows)
    {
        var (from, count) = Bounds(now, bucket);
        var counts = new long[count][];
        var ages = new TimeSpan[count];
        foreach (var row in rows)
        {
            if (Index(row.PartitionKey, from, bucket, count) is not { } i)
            {
                continue;
            }

            if (row.RowKey == DeliveryHistory.BacklogRowKey)
            {
                var age = TimeSpan.FromSeconds(row.GetDouble(DeliveryHistory.OldestAgeColumn) ?? 0);
                ages[i] = age > ages[i] ? age : ages[i];
                continue;
            }

            counts[i] ??= new long[DeliveryStats.Columns.Length];
            for (var c = 0; c < DeliveryStats.Columns.Length; c++)
            {
                counts[i][c] += row.GetInt64(DeliveryStats.Columns[c]) ?? 0;
            }
        }

        var points = new DeliveryPoint[count];
        for (var i = 0; i < count; i++)
        {
            var sums = counts[i] ?? new long[DeliveryStats.Columns.Length];
            points[i] = new DeliveryPoint(from + (bucket * i), new DeliveryCounts(sums[0], sums[1], sums[2], sums[3]), ages[i]);
        }

        return new DeliveryDay(from, bucket, points);
    }

    private static int? Index(string minute, DateTimeOffset from, TimeSpan bucket, int count)
    {
        if (!DateTimeOffset.TryParseExact(minute, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) || at < from)
        {
            return null;
        }

        var index = (at - from).Ticks / bucket.Ticks;
        return index < count ? (int)index : null;
    }
}
