namespace StoriesFunctions.Tests.Costs;

/// <summary>What the floor assumes about the app, from docs/performance.md and docs/rate-limits.md.</summary>
/// <param name="EnvelopeEvents">Events in one queue message: ≈ 38 events of 1.1 KB fill a 47 KiB envelope.</param>
/// <param name="WindowCalls">Stories calls in one of its fixed windows (300 a minute on the default plan). The burst
/// budget sends a window's calls at once and waits for the next window outside any invocation (the message is hidden
/// until then), so the calls of one window can share one activity period, and no period spans two windows.</param>
/// <param name="TimerExecutionsPerMonth">BacklogFunction every 15 minutes (BacklogFunction.Schedule) and DeadLetterRetention every hour.</param>
/// <param name="QueueOperationsPerMessage">A queue message is put, got and deleted once at least.</param>
/// <param name="TableOperationsPerEvent">An event's claim is read, inserted and completed at least once (docs/performance.md, "Operations per event").</param>
public sealed record FloorAssumptions(
    decimal EnvelopeEvents = 38,
    decimal WindowCalls = 300,
    decimal TimerExecutionsPerMonth = (BillingMonth.Minutes / 15) + BillingMonth.Hours,
    decimal QueueOperationsPerMessage = 3,
    decimal TableOperationsPerEvent = 3)
{
    public static FloorAssumptions Measured { get; } = new();
}

/// <summary>A lower bound on a tenant's bill, and the steps it is made of: what explains a missed goal.</summary>
public sealed record CostFloor(decimal Usd, IReadOnlyList<string> Steps)
{
    /// <summary>
    /// Compute, executions and the least storage operations (telemetry comes on top), from the plan's minimum per billed period
    /// (Flex: 1 s on its scale group's instance; Consumption: 100 ms at 128 MB): every timer execution and webhook call
    /// is at least one period; on Flex, the deliveries of one webhook call's events at least one period per Stories window
    /// they need, and a backlog's at least one per window; on Consumption, each queue message at least one. Each message is
    /// put, got and deleted; each event's claim read, inserted and completed. Executions: one per timer tick, webhook call and queue message.
    /// It assumes that webhook calls do not overlap on an instance, true of Poisson arrivals at under one a second.
    /// </summary>
    /// <param name="fixedMonth">The deployment's month with no events as recorded (<see cref="TenantCost.FixedMonth"/>), in
    /// place of its timer executions alone: what this deployment costs whatever the traffic.</param>
    public static CostFloor Of(TenantShape shape, Deployment deployment, Prices prices, FloorAssumptions assumptions, Usage? fixedMonth = null)
    {
        var least = Least.On(deployment, shape, assumptions);
        var idle = fixedMonth ?? Periods(assumptions.TimerExecutionsPerMonth, least.Seconds, least.Gb);
        var traffic = Periods(least.Calls, least.Seconds, least.Gb) + Deliveries(least) + Usage.Zero with
        {
            Storage = new StorageOperations(least.Messages * assumptions.QueueOperationsPerMessage, shape.Events * assumptions.TableOperationsPerEvent),
        };
        var month = MonthlyBill.For(idle + traffic, deployment, prices).Total;
        var usd = shape.Basis switch
        {
            GoalBasis.Month => month,
            GoalBasis.Once => month - MonthlyBill.For(idle, deployment, prices).Total,
        };
        return new CostFloor(usd, least.Steps(assumptions, fixedMonth is not null));
    }

    private static Usage Periods(decimal count, decimal seconds, decimal gb) =>
        Usage.Zero with { OnDemand = new Metered(count, count * seconds, count * seconds * gb, count) };

    /// <summary>The delivery periods, each the plan's minimum, with one execution per queue message.</summary>
    private static Usage Deliveries(Least least) =>
        Usage.Zero with { OnDemand = new Metered(least.Periods, least.Periods * least.Seconds, least.Periods * least.Seconds * least.Gb, least.Messages) };

    /// <summary>The least a plan bills per period, and the least periods a shape makes.</summary>
    private sealed record Least(decimal Seconds, decimal Gb, decimal Calls, decimal Messages, decimal EventsPerMessage, decimal Periods)
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
            // Consumption bills each execution on its own: one period per message there.
            var periods = deployment.Plan == HostingPlan.WindowsConsumption ? messages
                : calls > 0 ? calls * Math.Ceiling(shape.EventsPerWebhookCall / assumptions.WindowCalls)
                : Math.Ceiling(shape.Events / assumptions.WindowCalls);
            return new Least(seconds, gb, calls, messages, eventsPerMessage, shape.Events == 0 ? 0 : periods);
        }

        public IReadOnlyList<string> Steps(FloorAssumptions assumptions, bool recordedFixedMonth)
        {
            string[] steps =
            [
                recordedFixedMonth
                    ? "the deployment's month with no events, as recorded (timers, empty polls, lease renewals)"
                    : $"{Figures.Quantity(assumptions.TimerExecutionsPerMonth)} timer executions a month, each ≥ {Figures.Seconds(Seconds)} s",
                Calls == 0 ? "" : $"{Figures.Quantity(Calls)} webhook calls, each ≥ {Figures.Seconds(Seconds)} s",
                Messages == 0 ? "" : $"{Figures.Quantity(Messages)} queue messages ({Figures.Quantity(EventsPerMessage)} events each) " +
                    $"in ≥ {Figures.Quantity(Periods)} delivery periods of ≥ {Figures.Seconds(Seconds)} s (one per webhook call and Stories window of {Figures.Quantity(assumptions.WindowCalls)} calls)",
                Messages == 0 ? "" : $"≥ {Figures.Quantity(assumptions.QueueOperationsPerMessage)} queue operations a message and ≥ {Figures.Quantity(assumptions.TableOperationsPerEvent)} table transactions an event (the claim)",
                $"at {Figures.Quantity(Gb)} GB, with the deployment's alert rules",
            ];
            return [.. steps.Where(s => s.Length > 0)];
        }
    }
}
