namespace StoriesFunctions.Tests.Costs;

/// <summary>A span during which an instance runs at least one execution.</summary>
public sealed record ActivityPeriod(BillingInstance Instance, DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;
}

/// <summary>
/// Flex Consumption bills "the total amount of memory provisioned while each on demand instance is actively executing
/// functions" (https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs, billing table). So a
/// period is a maximal span of one billing instance with at least one execution running: the union of its invocations'
/// [start, start + duration] intervals. Concurrent executions on one instance share a period; the same times on two
/// instances, or in two scale groups, are two periods.
/// </summary>
/// <remarks>
/// That a period ends as soon as the last execution ends (an idle, warm instance is not billed, and the next execution
/// starts a new period with its own 1,000 ms minimum) is this model's reading of "actively executing"; the stored docs
/// do not say it in so many words.
/// </remarks>
public static class ActivityPeriods
{
    public static IReadOnlyList<ActivityPeriod> Of(IEnumerable<Invocation> invocations) =>
        [.. invocations.GroupBy(ScaleGroups.InstanceOf).SelectMany(instance => Merge(instance.Key, instance))];

    private static IEnumerable<ActivityPeriod> Merge(BillingInstance instance, IEnumerable<Invocation> invocations)
    {
        ActivityPeriod? open = null;
        foreach (var invocation in invocations.OrderBy(i => i.Start))
        {
            if (open is not null && invocation.Start <= open.End)
            {
                open = open with { End = invocation.End > open.End ? invocation.End : open.End };
                continue;
            }

            if (open is not null)
            {
                yield return open;
            }

            open = new ActivityPeriod(instance, invocation.Start, invocation.End);
        }

        if (open is not null)
        {
            yield return open;
        }
    }
}
