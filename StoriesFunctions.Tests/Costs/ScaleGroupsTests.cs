using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public class ScaleGroupsTests
{
    [TestCase(Trigger.Http, "SegmentWebhook", "http")]
    [TestCase(Trigger.Http, "Console", "http")]
    [TestCase(Trigger.Blob, "Import", "blob")]
    [TestCase(Trigger.Durable, "Orchestrate", "durable")]
    [TestCase(Trigger.Queue, "DeliverEvents", "function:DeliverEvents")]
    [TestCase(Trigger.Timer, "Backlog", "function:Backlog")]
    [TestCase(Trigger.Other, "FromEventHub", "function:FromEventHub")]
    public void Of_Trigger_IsTheDocumentedScaleGroup(Trigger trigger, string function, string group) =>
        Assert.That(ScaleGroups.Of(At(function, trigger, "i1", 0, 1)), Is.EqualTo(group));
}
