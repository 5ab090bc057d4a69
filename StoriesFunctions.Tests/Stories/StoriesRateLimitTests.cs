using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StoriesFunctions.Stories;
using StoriesFunctions.Tests.Functions;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Stories;

[NonParallelizable]
public class StoriesRateLimitTests
{
    [Test]
    public async Task SendAsync_WithMaxRequestsPerSecond_SpacesRequestsAndLosesNone()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        var settings = Forwarder.FastSettings(stories.BaseUrl);
        settings["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        settings["Stories:MaxRequestsPerSecond"] = "5";
        using var host = Forwarder.Build(settings);
        var client = host.Services.GetRequiredService<StoriesClient>();
        var call = new StoriesCall(StoriesEndpoint.Events, "{\"user_id\":\"u\",\"name\":\"Track\",\"data\":{}}"u8.ToArray());

        var watch = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 15).Select(_ => client.SendAsync(call, CancellationToken.None)));
        watch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(responses.Select(r => r.IsSuccess), Has.All.True);
            Assert.That(stories.Requests, Has.Count.EqualTo(15));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5)), "5 at once, then 5 per second");
        });
    }
}
