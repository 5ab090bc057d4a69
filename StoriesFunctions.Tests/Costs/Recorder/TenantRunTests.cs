using StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

namespace StoriesFunctions.Tests.Costs.Recorder;

/// <summary>A recording holds the span's own execution time: invocations across its edges are clipped to it.</summary>
public class TenantRunTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 44, 59, 500, TimeSpan.Zero);

    [Test]
    public void Invocations_AcrossTheSpansEdges_ClippedToTheSpan()
    {
        var run = Run(
            Invocation("before", -30, 10),
            Invocation("across-start", -60, 90),
            Invocation("inside", 10, 5),
            Invocation("across-end", 170, 60),
            Invocation("still-running", 175, null),
            Invocation("after", 181, 1));

        var clipped = run.Invocations.Select(i => (i.Function, (i.Start - Start).TotalSeconds, i.Duration!.Value.TotalSeconds)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(clipped, Is.EqualTo(new[] { ("across-start", 0.0, 30.0), ("inside", 10.0, 5.0), ("across-end", 170.0, 10.0), ("still-running", 175.0, 5.0) }));
            Assert.That((run.BegunBefore, run.RunningPast), Is.EqualTo((1, 2)));
        });
    }

    private static HostInvocation Invocation(string function, double startSeconds, double? seconds) =>
        new(function, function, Start.AddSeconds(startSeconds), seconds is { } s ? TimeSpan.FromSeconds(s) : null, null);

    private static TenantRun Run(params HostInvocation[] invocations) =>
        new(Tenants.All[0], new RecordingWindow(Start, TimeSpan.FromMinutes(3)), Traffic.None, invocations, [], [], [], 0);
}
