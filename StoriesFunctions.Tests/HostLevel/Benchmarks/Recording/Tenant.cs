using StoriesFunctions.Tests.Costs;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>What a tenant's traffic did in the span: calls made, events they carried, calls not answered 200, and when each burst began.</summary>
internal sealed record Traffic(int WebhookCalls, int Events, int Refused, IReadOnlyList<DateTimeOffset> Bursts)
{
    public static readonly Traffic None = new(0, 0, 0, []);
}

/// <summary>Figures of a finished recording that a tenant's texts quote.</summary>
internal sealed record TenantFacts(int Events, TimeSpan Span, TimeSpan? LargestBusySpan, bool BurstsOverlap);

/// <summary>
/// One tenant: the traffic it sends in the span (<see cref="Drive"/>) and before it (<see cref="Prepare"/>), how long
/// it is recorded, and how its span becomes a month: <see cref="MonthlyEvents"/> ÷ events recorded, or, with no
/// traffic, a month ÷ the span. <see cref="CountsDeliveries"/>: its events are those Stories accepted in the span (a
/// drain), not those sent.
/// </summary>
internal sealed record Tenant(
    string Name,
    TimeSpan Span,
    TimeSpan Settle,
    double? MonthlyEvents,
    bool CountsDeliveries,
    Func<WebhookSender, CancellationToken, Task> Prepare,
    Func<WebhookSender, RecordingWindow, CancellationToken, Task<Traffic>> Drive,
    Func<TenantFacts, string> Description,
    Func<TenantFacts, string> Compression)
{
    /// <summary>The month the tenants' figures are per: the billing model's, 730 hours (1 M calls a month = 0.381 a second).</summary>
    public static readonly TimeSpan Month = TimeSpan.FromHours((double)BillingMonth.Hours);

    public decimal Scale(int events, TimeSpan span) => MonthlyEvents switch
    {
        null => (decimal)Month.Ticks / span.Ticks,
        { } monthly when events > 0 => (decimal)monthly / events,
        _ => 0,
    };
}
