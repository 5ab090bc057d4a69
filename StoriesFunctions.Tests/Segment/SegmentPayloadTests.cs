using System.Text;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Tests.Segment;

public class SegmentPayloadTests
{
    private static SegmentPayload? Parse(string json, out string? error) =>
        SegmentPayload.TryParse(Encoding.UTF8.GetBytes(json), out error);

    [Test]
    public void TryParse_SingleEvent_IsOneEvent()
    {
        using var payload = Parse(SegmentEventBuilder.Track().Json(), out var error);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(payload!.Form, Is.EqualTo(PayloadForm.SingleEvent));
            Assert.That(payload.Count, Is.EqualTo(1));
            Assert.That(payload.FirstElementBytes.IsEmpty, Is.True);
        });
    }

    [Test]
    public void TryParse_Array_ExposesFirstElementRawBytes()
    {
        const string first = "{ \"type\" : \"track\",\"event\":\"A\" }";
        using var payload = Parse($"[{first}, {{\"type\":\"page\"}}]", out var error);

        Assert.Multiple(() =>
        {
            Assert.That(payload!.Form, Is.EqualTo(PayloadForm.Array));
            Assert.That(payload.Count, Is.EqualTo(2));
            Assert.That(Encoding.UTF8.GetString(payload.FirstElementBytes), Is.EqualTo(first));
        });
    }

    [Test]
    public void TryParse_BatchForm_KeepsSharedContextAndIntegrations()
    {
        var json = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Payloads", "batch-http-api.json"));

        using var payload = Parse(json, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(payload!.Form, Is.EqualTo(PayloadForm.Batch));
            Assert.That(payload.Count, Is.EqualTo(3));
            Assert.That(payload.SharedContext?.GetProperty("library").GetProperty("name").GetString(), Is.EqualTo("http"));
            Assert.That(payload.SharedIntegrations?.GetProperty("All").GetBoolean(), Is.True);
        });
    }

    [TestCase("not json")]
    [TestCase("{\"type\":\"track\"")]
    [TestCase("")]
    public void TryParse_NotJson_IsRefused(string body)
    {
        using var payload = Parse(body, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(payload, Is.Null);
            Assert.That(error, Does.Contain("not valid JSON"));
        });
    }

    [TestCase("null")]
    [TestCase("42")]
    [TestCase("\"track\"")]
    [TestCase("{\"batch\": {}}")]
    public void TryParse_NotOneOfTheForms_IsRefused(string body)
    {
        using var payload = Parse(body, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(payload, Is.Null);
            Assert.That(error, Does.Contain("must be an event object"));
        });
    }

    [Test]
    public void TryParse_EmptyArray_SaysNoEvents()
    {
        using var payload = Parse("[]", out var error);

        Assert.That(error, Is.EqualTo("body holds no events"));
    }

    [Test]
    public void TryParse_Utf8Bom_IsAccepted()
    {
        using var payload = Parse("\uFEFF" + SegmentEventBuilder.Track().Json(), out var error);

        Assert.That(payload?.Count, Is.EqualTo(1));
    }

    [Test]
    public void TryParse_NestingBeyondMaxDepth_IsRefused()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        using var payload = Parse(deep, out var error);

        Assert.That(payload, Is.Null);
    }
}
