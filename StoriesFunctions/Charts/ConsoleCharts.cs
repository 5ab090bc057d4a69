using StoriesFunctions.Delivery;

namespace StoriesFunctions.Charts;

/// <summary>
/// The console's pictures of the last day: events in and delivered, retried and dead-lettered (apart, as they are
/// usually a hundredth of the rest and would lie flat on a shared scale), and the backlog's age.
/// </summary>
public static class ConsoleCharts
{
    public static IReadOnlyList<TimeChart> Of(DeliveryDay day)
    {
        var per = $"per {day.Bucket.TotalMinutes:0} min";
        TimeChart Chart(string id, string title, ChartUnit unit, string empty, params ChartLine[] lines) =>
            new(id, title, unit, empty, day.From, day.Bucket, lines);
        ChartLine Line(string name, string key, string colour, Func<DeliveryPoint, double> value, double width = 1.5) =>
            new(name, key, colour, [.. day.Points.Select(value)], width);

        return
        [
            Chart("events", $"Events in and delivered, {per}", ChartUnit.Events, "No events in the last day",
                Line("In", "received", "#98a2b3", p => p.Counts.Received, 3.5),
                Line("Delivered", "delivered", "#2455c3", p => p.Counts.Delivered)),
            Chart("failures", $"Retried and dead-lettered, {per}", ChartUnit.Events, "Nothing retried or dead-lettered in the last day",
                Line("Retried", "retried", "#dc6803", p => p.Counts.Retried),
                Line("Dead-lettered", "deadLettered", "#b42318", p => p.Counts.DeadLettered)),
            Chart("backlog-age", "Backlog: age of the oldest event waiting", ChartUnit.Seconds, "Nothing waited in the last day",
                Line("Oldest waiting", "backlogAge", "#7a5af8", p => p.BacklogAge.TotalSeconds)),
        ];
    }
}
