using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>Each sample in Payloads/ (Segment's own shapes) through ingest and delivery: exactly the reference table's requests.</summary>
public class SamplesEndToEndTests
{
    public static IEnumerable<TestCaseData> Samples()
    {
        yield return new TestCaseData("identify.json", new[] { ("/v1/users", (string?)null), ("/v1/events", "Identify") });
        yield return new TestCaseData("track.json", new[] { ("/v1/events", (string?)"Track") });
        yield return new TestCaseData("page.json", new[] { ("/v1/events", (string?)"Page") });
        yield return new TestCaseData("screen.json", new[] { ("/v1/events", (string?)"Screen") });
        yield return new TestCaseData("anonymous-track.json", Array.Empty<(string, string?)>());
        yield return new TestCaseData("group.json", Array.Empty<(string, string?)>());
        yield return new TestCaseData("batch-http-api.json", new[]
        {
            ("/v1/users", (string?)null), ("/v1/events", "Identify"), ("/v1/events", "Track"), ("/v1/events", "Page"),
        });
    }

    [TestCaseSource(nameof(Samples))]
    public async Task Sample_GivesStoriesExactlyTheReferenceRequests(string sample, (string Path, string? Name)[] expected)
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl);
        var body = await File.ReadAllBytesAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Payloads", sample));

        var response = await forwarder.PostAsync(body);
        await forwarder.DeliverVisibleAsync();

        var received = stories.Requests
            .Select(r => (r.Path, r.Path == "/v1/users" ? null : r.Json.GetProperty("name").GetString()))
            .ToArray();
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(received, Is.EqualTo(expected));
            Assert.That(stories.Requests.Select(r => r.Headers["Authorization"]), Has.All.EqualTo("Bearer " + Forwarder.ApiKey));
            Assert.That(stories.Requests.Select(r => r.Headers["Content-Type"]), Has.All.StartWith("application/json"));
        });
    }
}
