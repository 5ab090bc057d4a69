using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using StoriesFunctions.Stories;
using StoriesFunctions.Tests.Segment;

namespace StoriesFunctions.Tests.Stories;

public class StoriesMapperTests
{
    private static StoriesMapper Mapper(bool syncUsers = true, EventDataFormat format = EventDataFormat.Object) =>
        new(Options.Create(new StoriesOptions { ApiKey = "k", SyncUsers = syncUsers, EventDataFormat = format }));

    private static JsonElement Sample(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Payloads", name))).RootElement.Clone();

    private static JsonNode Body(StoriesCall call) => JsonNode.Parse(call.Body.Span)!;

    [Test]
    public void Map_IdentifySample_UpsertsUserThenPostsIdentify()
    {
        var mapping = Mapper().Map(Sample("identify.json"));

        var user = Body(mapping.User!);
        var evt = Body(mapping.Event);
        Assert.Multiple(() =>
        {
            Assert.That(mapping.User!.Path, Is.EqualTo("users"));
            Assert.That((string?)user["user_id"], Is.EqualTo("97980cfea0067"));
            Assert.That((string?)user["name"], Is.EqualTo("Peter Gibbons"));
            Assert.That((string?)user["email"], Is.EqualTo("peter@example.com"));
            Assert.That((string?)user["phone"], Is.EqualTo("+14155552671"));
            Assert.That((string?)user["attributes"]!["plan"], Is.EqualTo("premium"));
            Assert.That((string?)user["attributes"]!["address"]!["city"], Is.EqualTo("Austin"));
            Assert.That(mapping.Event.Path, Is.EqualTo("events"));
            Assert.That((string?)evt["user_id"], Is.EqualTo("97980cfea0067"));
            Assert.That((string?)evt["name"], Is.EqualTo("Identify"));
            Assert.That((int?)evt["data"]!["traits"]!["logins"], Is.EqualTo(5));
        });
    }

    [Test]
    public void Map_IdentifyWithoutSyncUsers_PostsOnlyTheEvent()
    {
        var mapping = Mapper(syncUsers: false).Map(Sample("identify.json"));

        Assert.That(mapping.User, Is.Null);
        Assert.That((string?)Body(mapping.Event)["name"], Is.EqualTo("Identify"));
    }

    [Test]
    public void Map_IdentifyWithoutDerivableFields_OmitsThem()
    {
        var mapping = Mapper().Map(SegmentEventBuilder.Identify().With("traits", new JsonObject { ["plan"] = "pro" }).Element());

        var user = Body(mapping.User!).AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(user.ContainsKey("name"), Is.False);
            Assert.That(user.ContainsKey("email"), Is.False);
            Assert.That(user.ContainsKey("phone"), Is.False);
            Assert.That((string?)user["attributes"]!["plan"], Is.EqualTo("pro"));
        });
    }

    [TestCase("track.json", "Track", "Remote Log session started")]
    [TestCase("page.json", "Page", "FAQ - Help")]
    [TestCase("screen.json", "Screen", "App went Foreground")]
    public void Map_Sample_PostsEventWithContent(string sample, string name, string content)
    {
        var mapping = Mapper().Map(Sample(sample));

        var body = Body(mapping.Event);
        Assert.Multiple(() =>
        {
            Assert.That(mapping.User, Is.Null);
            Assert.That(mapping.Event.Path, Is.EqualTo("events"));
            Assert.That((string?)body["user_id"], Is.EqualTo("97980cfea0067"));
            Assert.That((string?)body["name"], Is.EqualTo(name));
            Assert.That((string?)body["data"]!["content"], Is.EqualTo(content));
            Assert.That(body.AsObject().Count, Is.EqualTo(3));
        });
    }

    [TestCase("{\"title\": \"Pricing\", \"name\": \"P\"}", "Pricing")]
    [TestCase("{\"name\": \"From properties\"}", "From properties")]
    [TestCase("{}", null)]
    public void Map_PageWithoutName_FallsBackToProperties(string properties, string? content)
    {
        var evt = new SegmentEventBuilder("page").Without("name").With("properties", JsonNode.Parse(properties)).Element();

        var body = Body(Mapper().Map(evt).Event);

        Assert.That((string?)body["data"]!["content"], Is.EqualTo(content));
    }

    [Test]
    public void Map_NumericUserId_IsDecimalString()
    {
        var body = Body(Mapper().Map(SegmentEventBuilder.Track().With("userId", 12345).Element()).Event);

        Assert.That(body["user_id"]!.GetValueKind(), Is.EqualTo(JsonValueKind.String));
        Assert.That((string?)body["user_id"], Is.EqualTo("12345"));
    }

    [Test]
    public void Map_StringDataFormat_SendsDataAsJsonText()
    {
        var body = Body(Mapper(format: EventDataFormat.String).Map(Sample("track.json")).Event);

        Assert.That(body["data"]!.GetValueKind(), Is.EqualTo(JsonValueKind.String));
        Assert.That((string?)JsonNode.Parse((string)body["data"]!)!["content"], Is.EqualTo("Remote Log session started"));
    }

    [Test]
    public void Map_TypeInOtherCase_MapsLikeLowerCase() =>
        Assert.That((string?)Body(Mapper().Map(SegmentEventBuilder.Track().With("type", " Track ").Element()).Event)["name"], Is.EqualTo("Track"));

    [TestCase("{\"type\": \"group\", \"userId\": \"u\"}")]
    [TestCase("{\"type\": \"track\", \"userId\": \"u\"}")]
    [TestCase("{\"type\": \"track\", \"event\": \"E\"}")]
    [TestCase("[]")]
    public void Map_EventThatCannotBeMapped_IsInvalidWithError(string json)
    {
        var mapping = Mapper().Map(JsonDocument.Parse(json).RootElement);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.IsValid, Is.False);
            Assert.That(mapping.Error, Is.Not.Empty);
        });
    }

    [Test]
    public void Map_TraitsWithAnUnpairedSurrogate_IsInvalidNotAnException()
    {
        var evt = JsonDocument.Parse("{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"name\":\"x\\ud800\"}}").RootElement;

        var mapping = Mapper().Map(evt);

        Assert.That(mapping.Error, Is.EqualTo("event holds text that is not valid UTF-8"));
    }
}
