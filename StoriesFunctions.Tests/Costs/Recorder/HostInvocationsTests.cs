using StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

namespace StoriesFunctions.Tests.Costs.Recorder;

/// <summary>The host's start and end lines of an invocation become one invocation with the host's own duration.</summary>
public class HostInvocationsTests
{
    private const string Id = "20a8a89e-3868-465e-9e80-d27312ee20ff";

    [Test]
    public void Read_StartAndEndLines_OneInvocationWithTheHostsDuration()
    {
        string[] lines =
        [
            $"2026-11-30T07:42:47.809Z info: Function.DeliverEvents[1] Executing 'Functions.DeliverEvents' (Reason='New queue message detected on 'segment-events'.', Id={Id})",
            "2026-11-30T07:42:50.335Z warn: Function.DeliverEvents.User[0] Execution attempt. Source: 'StoriesClient-stories//Retry', Attempt: '0'",
            $"2026-11-30T07:42:52.930Z info: Function.DeliverEvents[2] Executed 'Functions.DeliverEvents' (Succeeded, Id={Id}, Duration=5573ms)",
        ];

        var invocations = HostInvocations.Read(lines);

        Assert.That(invocations, Is.EqualTo(new[]
        {
            new HostInvocation("DeliverEvents", Id, new DateTimeOffset(2026, 11, 30, 7, 42, 47, 809, TimeSpan.Zero), TimeSpan.FromMilliseconds(5573), "Succeeded"),
        }));
    }

    [Test]
    public void Read_StartWithoutEnd_StillRunning()
    {
        string line = $"2026-11-30T07:42:00.028Z info: Function.BacklogGauges[1] Executing 'Functions.BacklogGauges' (Reason='Timer fired at 2026-11-30T07:42:00.0286003+00:00', Id={Id})";

        var invocation = HostInvocations.Read([line]).Single();

        Assert.That((invocation.Function, invocation.Duration), Is.EqualTo(("BacklogGauges", (TimeSpan?)null)));
    }

    [Test]
    public void Read_LinesWithoutTheConsoleTimestamp_NothingRead()
    {
        string line = $"      Executed 'Functions.SegmentWebhook' (Succeeded, Id={Id}, Duration=12ms)";

        Assert.That(HostInvocations.Read([line]), Is.Empty);
    }
}
