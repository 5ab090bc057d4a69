using System.Net;
using System.Text.Json;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>The app under the real Functions host, scaled out to two instances: the harness itself, end to end.</summary>
[Category("Host")]
public class HostSmokeTests
{

    [Test]
    [CancelAfter(60_000)]
    public async Task PostWebhook_TrackOnOneOfTwoInstances_StoriesGetsItExactlyOnce(CancellationToken cancellationToken)
    {
        await using var cluster = await HostCluster.StartAsync(instances: 2, cancellationToken: cancellationToken);
        var userId = $"host-smoke-{Guid.NewGuid():N}";
        var track = SegmentEventBuilder.Track().With("userId", userId).With("event", "Host Smoke Test");

        using var response = await cluster[0].PostWebhookAsync(track.Json(), cancellationToken: cancellationToken);
        await cluster.Stories.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30), cancellationToken);
        await cluster.WaitUntilEventsQueueEmptyAsync(TimeSpan.FromSeconds(20), cancellationToken);

        var delivered = cluster.Stories.Requests.Where(r => r is { Method: "POST", Path: "/v1/events" } && UserId(r) == userId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(delivered, Has.Count.EqualTo(1), () => "Stories received: " + string.Join(", ", cluster.Stories.Requests));
            Assert.That(delivered.Select(r => r.Json.GetProperty("name").GetString()), Is.All.EqualTo("Track"));
            Assert.That(delivered.Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()), Is.All.EqualTo("Host Smoke Test"));
            Assert.That(delivered.Select(r => r.Headers["Authorization"]), Is.All.EqualTo("Bearer " + HostCluster.ApiKey));
        });
    }

    private static string? UserId(RecordedRequest request) =>
        request.Json.ValueKind == JsonValueKind.Object && request.Json.TryGetProperty("user_id", out var id) ? id.GetString() : null;
}
