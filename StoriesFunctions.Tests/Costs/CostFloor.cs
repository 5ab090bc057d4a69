namespace StoriesFunctions.Tests.Costs;

/// <summary>What the floor assumes about the app, from docs/performance.md.</summary>
/// <param name="EnvelopeEvents">Events in one queue message: ≈ 38 events of 1.1 KB fill a 47 KiB envelope.</param>
/// <param name="PacedCallsPerSecond">The Stories budget spaces calls at 95 % of 300 a minute, and an invocation waits
/// in-process for its next slot: each further call in a message holds the instance 1 ÷ 4.75 s.</param>
/// <param name="TimerExecutionsPerMonth">BacklogFunction every 15 minutes (BacklogFunction.Schedule) and DeadLetterRetention every hour.</param>
public sealed record FloorAssumptions(
    decimal EnvelopeEvents = 38,
    decimal PacedCallsPerSecond = 4.75m,
    decimal TimerExecutionsPerMonth = (BillingMonth.Minutes / 15) + BillingMonth.Hours)
{
    public static FloorAssumptions Measured { get; } = new();
}

/// <summary>A lower bound on a tenant's bill, and the steps it is made of: what explains a missed goal.</summary>
public sealed record CostFloor(decimal Usd, IReadOnlyList<string> Steps)
{
    /// <summary>
    /// Compute and executions only (storage and telemetry come on top), from the plan's minimum per billed period:
    /// every timer execution, webhook call and queue message is at least one period (Flex: 1 s on its scale group's
    /// instance; Consumption: 100 ms at 128 MB), and a message of k events at least (k − 1) paced calls long. It assumes
    /// that calls and messages do not overlap on an instance, true of Poisson arrivals at under one a second.
    /// </summary>
    public static CostFloor Of(TenantShape shape, Deployment deployment, Prices prices, FloorAssumptions assumptions)
    {
        var least = Least.On(deployment, shape, assumptions);
        var idle = Periods(assumptions.TimerExecutionsPerMonth, least.Seconds, least.Gb);
        var traffic = Periods(least.Calls, least.Seconds, least.Gb) + Periods(least.Messages, least.PerMessage, least.Gb);
        var month = MonthlyBill.For(idle + traffic, deployment, prices).Total;
        var usd = shape.Basis switch
        {
            GoalBasis.Month => month,
            GoalBasis.Once => month - MonthlyBill.For(idle, deployment, prices).Total,
        };
        return new CostFloor(usd, least.Steps(assumptions));
    }

    private static Usage Periods(decimal count, decimal seconds, decimal gb) =>
        Usage.Zero with { OnDemand = new Metered(count, count * seconds, count * seconds * gb, count) };

    /// <summary>The least a plan bills per period, and the least periods a shape makes.</summary>
    private sealed record Least(decimal Seconds, decimal Gb, decimal Calls, decimal Messages, decimal EventsPerMessage, decimal PerMessage)
    {
        public static Least On(Deployment deployment, TenantShape shape, FloorAssumptions assumptions)
        {
            var (minimum, gb) = deployment.Plan switch
            {
                HostingPlan.FlexConsumption => (FlexConsumption.MinimumPeriod, deployment.InstanceMemoryMB / 1_024m),
                HostingPlan.WindowsConsumption => (WindowsConsumption.MinimumExecution, WindowsConsumption.MemoryStepMB / 1_024m),
            };
            var seconds = (decimal)minimum.TotalSeconds;
            var calls = shape.WebhookCalls;
            var messages = calls > 0
                ? calls * Math.Ceiling(shape.EventsPerWebhookCall / assumptions.EnvelopeEvents)
                : Math.Ceiling(shape.Events / assumptions.EnvelopeEvents);
            var eventsPerMessage = messages == 0 ? 0 : shape.Events / messages;
            var perMessage = messages == 0 ? 0 : Math.Max(seconds, (eventsPerMessage - 1) / assumptions.PacedCallsPerSecond);
            return new Least(seconds, gb, calls, messages, eventsPerMessage, perMessage);
        }

        public IReadOnlyList<string> Steps(FloorAssumptions assumptions)
        {
            string[] steps =
            [
                $"{Figures.Quantity(assumptions.TimerExecutionsPerMonth)} timer executions a month, each ≥ {Figures.Seconds(Seconds)} s",
                Calls == 0 ? "" : $"{Figures.Quantity(Calls)} webhook calls, each ≥ {Figures.Seconds(Seconds)} s",
                Messages == 0 ? "" : $"{Figures.Quantity(Messages)} queue messages ({Figures.Quantity(EventsPerMessage)} events each), " +
                    $"each ≥ {Figures.Seconds(PerMessage)} s (calls paced at {Figures.Quantity(assumptions.PacedCallsPerSecond)} a second)",
                $"at {Figures.Quantity(Gb)} GB, with the deployment's alert rules",
            ];
            return [.. steps.Where(s => s.Length > 0)];
        }
    }
}
