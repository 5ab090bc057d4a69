using StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

namespace StoriesFunctions.Tests.Costs.Recorder;

/// <summary>A recorded invocation's trigger is the billing model's, read from the build's functions.metadata.</summary>
public class FunctionTriggersTests
{
    private static readonly FunctionTriggers AppsBuild = FunctionTriggers.Read(Path.GetDirectoryName(typeof(Program).Assembly.Location)!);

    [TestCase("httpTrigger", ExpectedResult = Trigger.Http)]
    [TestCase("queueTrigger", ExpectedResult = Trigger.Queue)]
    [TestCase("timerTrigger", ExpectedResult = Trigger.Timer)]
    [TestCase("blobTrigger", ExpectedResult = Trigger.Blob)]
    [TestCase("orchestrationTrigger", ExpectedResult = Trigger.Durable)]
    [TestCase("activityTrigger", ExpectedResult = Trigger.Durable)]
    [TestCase("entityTrigger", ExpectedResult = Trigger.Durable)]
    [TestCase("serviceBusTrigger", ExpectedResult = Trigger.Other)]
    [TestCase("eventHubTrigger", ExpectedResult = Trigger.Other)]
    public Trigger OfBinding_TriggerType_IsTheModelsTrigger(string bindingType) => FunctionTriggers.OfBinding(bindingType);

    [Test]
    public void Read_TheAppsBuild_EachFunctionsTriggerAndTheQueuesTheyPoll()
    {
        var triggers = new[] { "SegmentWebhook", "DeliverEvents", "BacklogGauges" }.Select(AppsBuild.Of);

        Assert.Multiple(() =>
        {
            Assert.That(triggers, Is.EqualTo(new[] { Trigger.Http, Trigger.Queue, Trigger.Timer }));
            Assert.That(AppsBuild.Queues, Does.Contain("segment-events").And.Contain("segment-events-poison"));
        });
    }

    [Test]
    public void Of_AFunctionTheBuildDoesNotDeclare_Throws() =>
        Assert.Throws<InvalidOperationException>(() => AppsBuild.Of("NoSuchFunction"));
}
