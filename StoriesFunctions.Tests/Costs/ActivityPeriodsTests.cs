using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class ActivityPeriodsTests
{
    private static (int Periods, decimal BillableSeconds) Billed(params Invocation[] invocations)
    {
        var usage = FlexConsumption.Meter(invocations, 2048, AlwaysReady.None).OnDemand;
        return ((int)usage.Periods, usage.BillableSeconds);
    }

    [Test]
    public void Of_OverlappingInvocationsOnOneInstance_AreOnePeriodBilledOnce() =>
        Assert.That(Billed(Http(0, 600), Http(400, 1_100), Http(500, 100)), Is.EqualTo((1, 1.5m)));

    [Test]
    public void Of_InvocationStartingAsTheLastEnds_ContinuesThePeriod() =>
        Assert.That(Billed(Http(0, 500), Http(500, 400)), Is.EqualTo((1, 1m)));

    [Test]
    public void Of_GapBetweenInvocations_StartsANewPeriodWithItsOwnMinimum() =>
        Assert.That(Billed(Http(0, 500), Http(501, 400)), Is.EqualTo((2, 2m)));

    [Test]
    public void Of_SameTimesOnTwoInstances_AreBilledTwice() =>
        Assert.That(Billed(Http(0, 1_200, "i1"), Http(0, 1_200, "i2")), Is.EqualTo((2, 2.4m)));

    [Test]
    public void Of_SameTimesInTwoScaleGroups_AreBilledTwice() =>
        Assert.That(Billed(Http(0, 1_200, "i1"), Queue(0, 1_200, "i1")), Is.EqualTo((2, 2.4m)));

    [Test]
    public void Of_TwoHttpFunctions_ShareTheHttpGroupsInstance() =>
        Assert.That(Billed(Http(0, 800, function: "SegmentWebhook"), Http(300, 900, function: "DeadLetters")), Is.EqualTo((1, 1.2m)));

    [Test]
    public void Of_TwoQueueFunctions_EachScaleOnInstancesOfTheirOwn() =>
        Assert.That(Billed(Queue(0, 800, function: "DeliverEvents"), Queue(300, 900, function: "Poison")), Is.EqualTo((2, 2m)));

    [Test]
    public void Of_TimerFunction_ScalesApartFromTheQueueFunctionOnTheSameHost() =>
        Assert.That(Billed(Timer(0, 800), Queue(300, 900)), Is.EqualTo((2, 2m)));

    [Test]
    public void Of_InvocationsOutOfOrder_MergeAsIfSorted() =>
        Assert.That(Billed(Http(2_000, 500), Http(0, 2_100), Http(5_000, 10)), Is.EqualTo((2, 3.5m)));
}
