using System.Text.Json;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Tests.Segment;

public class IntegrationsTests
{
    [TestCase(null, null, false)]
    [TestCase("{}", null, false)]
    [TestCase("{\"Stories\": false}", null, true)]
    [TestCase("{\"Stories\": true}", null, false)]
    [TestCase("{\"All\": false}", null, true)]
    [TestCase("{\"All\": false, \"Stories\": true}", null, false)]
    [TestCase("{\"All\": false, \"Stories\": {\"option\": 1}}", null, false)]
    [TestCase("{\"All\": true}", null, false)]
    [TestCase("{\"stories\": false}", null, false)]
    [TestCase(null, "{\"Stories\": false}", true)]
    [TestCase(null, "{\"All\": false}", true)]
    [TestCase("{\"Stories\": true}", "{\"Stories\": false}", false)]
    [TestCase("{\"Stories\": false}", "{\"All\": true}", true)]
    [TestCase("{\"All\": true}", "{\"All\": false}", false)]
    public void DisableStories_FollowsSegmentRules(string? own, string? shared, bool disabled)
    {
        using var ownDoc = own is null ? null : JsonDocument.Parse(own);
        using var sharedDoc = shared is null ? null : JsonDocument.Parse(shared);

        var result = Integrations.DisableStories(ownDoc?.RootElement ?? default, sharedDoc?.RootElement);

        Assert.That(result, Is.EqualTo(disabled));
    }
}
