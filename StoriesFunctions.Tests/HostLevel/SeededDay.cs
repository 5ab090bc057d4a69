using Azure.Data.Tables;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// A day of <c>deliverystats</c> rows as two instances would have written them, for the console's charts: traffic
/// that rises and falls with the hour, a stop of 45 minutes from 03:00 UTC (nothing delivered, everything retried, the
/// backlog's age climbing to 45 min) and its catching up, a few retries and dead letters, and half an hour without
/// rows. One row an instance and 5-minute bucket holds the bucket's counts, up to the bucket before the current one;
/// the counts stay what this says for two minutes after they are written.
/// </summary>
/// <param name="Day">What the seeded rows add to the last day's counts.</param>
/// <param name="LastHour">What they add to the last hour's.</param>
public sealed record SeededDay(DeliveryCounts Day, DeliveryCounts LastHour)
{
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);

    public static async Task<SeededDay> WriteAsync(string connectionString, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(DeliveryStats.TableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var current = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % Five.Ticks), TimeSpan.Zero);
        var hourAgo = Minute(now - TimeSpan.FromHours(1));
        var stop = StopAt(current);
        var gap = stop + TimeSpan.FromHours(8) < current ? stop + TimeSpan.FromHours(8) : stop - TimeSpan.FromHours(8);
        var (day, hour) = (new long[4], new long[4]);
        var transactions = new List<List<TableTransactionAction>>();
        // Not the day's first bucket: it leaves the last day (and the charts) as soon as the clock reaches the next bucket.
        for (var bucket = current - TimeSpan.FromHours(24) + (2 * Five); bucket < current; bucket += Five)
        {
            if (bucket >= gap && bucket < gap + TimeSpan.FromMinutes(30))
            {
                continue;
            }

            // The last hour counts minutes after the one an hour ago: a row in either of the two minutes after it
            // would leave that count as the clock moves on, so such a bucket's row goes three minutes after it.
            var minute = bucket <= hourAgo ? bucket : new[] { bucket, hourAgo.AddMinutes(3) }.Max();
            var (counts, age) = Bucket(bucket, stop);
            var actions = new List<TableTransactionAction>();
            foreach (var (instance, share) in new[] { ("seeded-a", 0.6), ("seeded-b", 0.4) })
            {
                var part = counts.Select(c => (long)Math.Round(c * share)).ToArray();
                for (var i = 0; i < 4; i++)
                {
                    day[i] += part[i];
                    hour[i] += minute > hourAgo ? part[i] : 0;
                }

                actions.Add(Upsert(new TableEntity(DeliveryStats.Minute(minute), instance)
                {
                    ["Received"] = part[0], ["Delivered"] = part[1], ["Retried"] = part[2], ["DeadLettered"] = part[3],
                }));
            }

            if (age > TimeSpan.Zero)
            {
                actions.Add(Upsert(new TableEntity(DeliveryStats.Minute(minute), DeliveryHistory.BacklogRowKey)
                {
                    [DeliveryHistory.MessagesColumn] = 50L, [DeliveryHistory.OldestAgeColumn] = age.TotalSeconds,
                }));
            }

            transactions.Add(actions);
        }

        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (actions, token) => await table.SubmitTransactionAsync(actions, token));
        return new SeededDay(new(day[0], day[1], day[2], day[3]), new(hour[0], hour[1], hour[2], hour[3]));
    }

    private static TableTransactionAction Upsert(TableEntity entity) => new(TableTransactionActionType.UpsertReplace, entity);

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    /// <summary>The last 03:00 UTC at least 2 hours ago, or 10 hours ago if that 03:00 is nearly a day old.</summary>
    private static DateTimeOffset StopAt(DateTimeOffset current)
    {
        var three = new DateTimeOffset(current.UtcDateTime.Date.AddHours(3), TimeSpan.Zero);
        three = three > current - TimeSpan.FromHours(2) ? three.AddDays(-1) : three;
        return three > current - TimeSpan.FromHours(22) ? three : current - TimeSpan.FromHours(10);
    }

    /// <summary>Received, delivered, retried and dead-lettered in the bucket, and the backlog's age.</summary>
    private static (double[] Counts, TimeSpan BacklogAge) Bucket(DateTimeOffset bucket, DateTimeOffset stop)
    {
        var n = bucket.ToUnixTimeSeconds() / 300;
        var hour = bucket.UtcDateTime.TimeOfDay.TotalHours;
        var received = Math.Round(120 + (80 * Math.Sin((hour - 9) / 24 * 2 * Math.PI)) + (10 * Math.Sin(n * 0.21)));
        var scattered = n * 2654435761 % 101;
        var retried = scattered < 7 ? 2 + (scattered % 6) : 0;
        var deadLettered = scattered is 3 or 50 ? 2 : 0;
        var since = bucket - stop;
        if (since >= TimeSpan.Zero && since < TimeSpan.FromMinutes(45))
        {
            return ([received, 0, received, since >= TimeSpan.FromMinutes(30) ? 3 : 0], since + Five);
        }

        if (since >= TimeSpan.FromMinutes(45) && since < TimeSpan.FromMinutes(75))
        {
            var left = TimeSpan.FromMinutes(40) - ((since - TimeSpan.FromMinutes(45)) * 1.4);
            return ([received, received * 2.5, 0, 0], left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        return ([received, received - deadLettered, retried, deadLettered], TimeSpan.Zero);
    }
}
