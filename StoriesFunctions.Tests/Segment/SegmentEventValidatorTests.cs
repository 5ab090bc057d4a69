using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Tests.Segment;

public class SegmentEventValidatorTests
{
    private static EventVerdict Validate(string json, JsonElement? sharedIntegrations = null, int sharedBytes = 0)
    {
        using var document = JsonDocument.Parse(json);
        return SegmentEventValidator.Validate(document.RootElement, sharedBytes, sharedIntegrations);
    }

    private static EventVerdict Validate(SegmentEventBuilder builder) => Validate(builder.Json());

    public static IEnumerable<TestCaseData> Rejections()
    {
        yield return new TestCaseData("42", EventReasons.NotAnObject).SetName("number");
        yield return new TestCaseData("[]", EventReasons.NotAnObject).SetName("nested array");
        yield return new TestCaseData("null", EventReasons.NotAnObject).SetName("null");
        yield return new TestCaseData(SegmentEventBuilder.Track().Without("type").Json(), EventReasons.NoType).SetName("no type");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("type", 7).Json(), EventReasons.NoType).SetName("type not a string");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("type", "purchase").Json(), EventReasons.UnknownType).SetName("unknown type");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("userId", new JsonObject()).Json(), EventReasons.InvalidUserId).SetName("userId object");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("userId", new JsonArray()).Json(), EventReasons.InvalidUserId).SetName("userId array");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("userId", true).Json(), EventReasons.InvalidUserId).SetName("userId bool");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("userId", new string('u', 10_000)).Json(), EventReasons.UserIdTooLong).SetName("userId 10 KB");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("messageId", new JsonObject()).Json(), EventReasons.InvalidMessageId).SetName("messageId object");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("messageId", new string('m', 513)).Json(), EventReasons.InvalidMessageId).SetName("messageId too long");
        yield return new TestCaseData(SegmentEventBuilder.Track().Without("event").Json(), EventReasons.NoEventName).SetName("track without event");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("pad", new string('x', 33 * 1024)).Json(), EventReasons.TooLarge).SetName("over 32 KB");
        yield return new TestCaseData("{\"type\":\"track\",\"event\":\"A\",\"userId\":\"a\",\"userId\":\"b\"}", EventReasons.DuplicateProperty).SetName("duplicate userId");
    }

    [TestCaseSource(nameof(Rejections))]
    public void Validate_InvalidEvent_IsRejectedWithReason(string json, string reason)
    {
        var verdict = Validate(json);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Outcome, Is.EqualTo(EventOutcome.Rejected));
            Assert.That(verdict.Reason, Is.EqualTo(reason));
        });
    }

    public static IEnumerable<TestCaseData> Skips()
    {
        yield return new TestCaseData(SegmentEventBuilder.Track().Without("userId").Json(), EventReasons.NoUserId).SetName("anonymous");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("userId", null).Json(), EventReasons.NoUserId).SetName("userId null");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("userId", "").Json(), EventReasons.NoUserId).SetName("userId empty");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("userId", "  ").Json(), EventReasons.NoUserId).SetName("userId blank");
        yield return new TestCaseData(new SegmentEventBuilder("group").Json(), EventReasons.UnsupportedType).SetName("group");
        yield return new TestCaseData(new SegmentEventBuilder("alias").Json(), EventReasons.UnsupportedType).SetName("alias");
        yield return new TestCaseData(new SegmentEventBuilder("delete").Json(), EventReasons.UnsupportedType).SetName("delete");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("integrations", new JsonObject { ["Stories"] = false }).Json(), EventReasons.DisabledByIntegrations).SetName("Stories false");
        yield return new TestCaseData(SegmentEventBuilder.Track().With("integrations", new JsonObject { ["All"] = false }).Json(), EventReasons.DisabledByIntegrations).SetName("All false");
    }

    [TestCaseSource(nameof(Skips))]
    public void Validate_EventStoriesCannotTake_IsSkippedWithReason(string json, string reason)
    {
        var verdict = Validate(json);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Outcome, Is.EqualTo(EventOutcome.Skipped));
            Assert.That(verdict.Reason, Is.EqualTo(reason));
        });
    }

    [TestCase("track")]
    [TestCase("identify")]
    [TestCase("page")]
    [TestCase("screen")]
    public void Validate_SupportedType_IsAccepted(string type)
    {
        var builder = new SegmentEventBuilder(type);

        var verdict = Validate(builder);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Outcome, Is.EqualTo(EventOutcome.Accepted));
            Assert.That(verdict.MessageId, Is.EqualTo(builder.MessageId));
        });
    }

    [TestCase("Track")]
    [TestCase(" track ")]
    [TestCase("TRACK")]
    public void Validate_TypeInOtherCaseOrPadded_IsNormalised(string type)
    {
        var verdict = Validate(SegmentEventBuilder.Track().With("type", type));

        Assert.That(verdict.Type, Is.EqualTo(SegmentEventType.Track));
        Assert.That(verdict.Outcome, Is.EqualTo(EventOutcome.Accepted));
    }

    [Test]
    public void Validate_NumericUserId_IsAccepted() =>
        Assert.That(Validate(SegmentEventBuilder.Track().With("userId", 12345)).Outcome, Is.EqualTo(EventOutcome.Accepted));

    [Test]
    public void Validate_NoMessageId_DerivesTheSameIdForTheSameBytes()
    {
        var json = SegmentEventBuilder.Track().Without("messageId").Json();

        var first = Validate(json);
        var second = Validate(json);
        var other = Validate(SegmentEventBuilder.Track().Without("messageId").With("event", "Other").Json());

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(EventOutcome.Accepted));
            Assert.That(first.MessageId, Does.StartWith("sf-").And.Length.EqualTo(35));
            Assert.That(second.MessageId, Is.EqualTo(first.MessageId));
            Assert.That(other.MessageId, Is.Not.EqualTo(first.MessageId));
        });
    }

    [Test]
    public void Validate_NumericMessageId_IsItsDecimalString() =>
        Assert.That(Validate(SegmentEventBuilder.Track().With("messageId", 987)).MessageId, Is.EqualTo("987"));

    [Test]
    public void Validate_SharedIntegrationsDisableStories_IsSkipped()
    {
        using var shared = JsonDocument.Parse("{\"Stories\": false}");

        var verdict = Validate(SegmentEventBuilder.Track().Json(), shared.RootElement);

        Assert.That(verdict.Reason, Is.EqualTo(EventReasons.DisabledByIntegrations));
    }

    [Test]
    public void Validate_SharedContextPushesEventOver32KB_IsRejected()
    {
        var json = SegmentEventBuilder.Track().With("pad", new string('x', 30 * 1024)).Json();

        Assert.Multiple(() =>
        {
            Assert.That(Validate(json, sharedBytes: 0).Outcome, Is.EqualTo(EventOutcome.Accepted));
            Assert.That(Validate(json, sharedBytes: 3 * 1024).Reason, Is.EqualTo(EventReasons.TooLarge));
        });
    }

    [Test]
    public void Validate_ControlCharactersAndEmojiInNames_AreAccepted()
    {
        var verdict = Validate(SegmentEventBuilder.Track().With("event", "Bought \u0001\u0007 🎉🚀"));

        Assert.That(verdict.Outcome, Is.EqualTo(EventOutcome.Accepted));
    }

    [Test]
    public void DeriveMessageId_IsStable() =>
        Assert.That(SegmentEventValidator.DeriveMessageId(Encoding.UTF8.GetBytes("{}")), Is.EqualTo(SegmentEventValidator.DeriveMessageId("{}"u8)));
}
