using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Segment;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// Hostile and malformed bodies through the real webhook function, real DI and real Azurite: each gets its documented
/// answer, valid events in the same body are still queued, and nothing escapes as an unhandled exception.
/// docs/input-handling.md lists the same cases as a table.
/// </summary>
public class HostileInputTests
{
    internal const string Secret = "segment-shared-secret";
    private const int SmallCap = 2048;
    private const int OneMebibyte = 1024 * 1024;
    private const int FiftyMegabytes = 50 * 1024 * 1024;
    private static readonly Uri NoStories = new("http://127.0.0.1:9/v1/");

    private Forwarder _default = null!;
    private Forwarder _signed = null!;
    private Forwarder _smallCap = null!;
    private Forwarder _mebibyteCap = null!;

    [OneTimeSetUp]
    public async Task StartForwardersAsync()
    {
        _default = await Forwarder.StartAsync(NoStories);
        _signed = await Forwarder.StartAsync(NoStories, s => s["Segment:SharedSecret"] = Secret);
        _smallCap = await Forwarder.StartAsync(NoStories, s => s["Segment:MaxBodyBytes"] = SmallCap.ToString(CultureInfo.InvariantCulture));
        _mebibyteCap = await Forwarder.StartAsync(NoStories, s => s["Segment:MaxBodyBytes"] = OneMebibyte.ToString(CultureInfo.InvariantCulture));
    }

    [OneTimeTearDown]
    public async Task StopForwardersAsync()
    {
        foreach (var forwarder in new[] { _default, _signed, _smallCap, _mebibyteCap })
        {
            if (forwarder is not null)
            {
                await forwarder.DisposeAsync();
            }
        }
    }

    // Every forwarder here writes to the same Azurite queue.
    [SetUp]
    public Task ClearQueueAsync() => _default.Events.ClearMessagesAsync();

    [TestCaseSource(typeof(HostileBodies), nameof(HostileBodies.RefusedWhole))]
    public async Task Run_BodyNotAcceptable_Answers400WithTheReasonAndQueuesNothing(byte[] body, string error)
    {
        var answer = await SendAsync(_default, body);

        var queued = await QueuedAsync(_default);
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(answer.Error, Is.EqualTo(error));
            Assert.That(answer.Queued, Is.Zero);
            Assert.That(answer.Skipped.Concat(answer.Rejected), Is.Empty);
            Assert.That(queued, Is.Empty);
        });
    }

    [TestCaseSource(typeof(HostileBodies), nameof(HostileBodies.Events))]
    public async Task Run_HostileEventBetweenValidOnes_ListsItsReasonAndQueuesTheValidOnes(byte[] candidate, EventOutcome expected, string? reason)
    {
        var body = HostileBodies.Join("["u8.ToArray(), Valid("valid-before"), ","u8.ToArray(), candidate, ","u8.ToArray(), Valid("valid-after"), "]"u8.ToArray());

        var answer = await SendAsync(_default, body);

        var queued = await QueuedAsync(_default);
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.Queued, Is.EqualTo(expected == EventOutcome.Accepted ? 3 : 2));
            Assert.That(Notes(answer.Skipped, reason), Is.EqualTo(Expected(EventOutcome.Skipped, expected, 1, reason)));
            Assert.That(Notes(answer.Rejected, reason), Is.EqualTo(Expected(EventOutcome.Rejected, expected, 1, reason)));
            Assert.That(queued.Select(e => e.Id), Does.Contain("valid-before").And.Contain("valid-after"));
            Assert.That(queued, Has.Count.EqualTo(answer.Queued));
        });
    }

    [TestCaseSource(typeof(HostileBodies), nameof(HostileBodies.ObjectEvents))]
    public async Task Run_HostileEventAlone_AnswersTheStatusForItsOutcome(byte[] candidate, EventOutcome expected, string? reason)
    {
        var answer = await SendAsync(_default, candidate);

        var queued = await QueuedAsync(_default);
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(expected == EventOutcome.Rejected ? HttpStatusCode.BadRequest : HttpStatusCode.OK));
            Assert.That(answer.Error, Is.EqualTo(expected == EventOutcome.Rejected ? HostileBodies.AllRejected : null));
            Assert.That(answer.Queued, Is.EqualTo(expected == EventOutcome.Accepted ? 1 : 0));
            Assert.That(Notes(answer.Skipped, reason), Is.EqualTo(Expected(EventOutcome.Skipped, expected, 0, reason)));
            Assert.That(Notes(answer.Rejected, reason), Is.EqualTo(Expected(EventOutcome.Rejected, expected, 0, reason)));
            Assert.That(queued, Has.Count.EqualTo(answer.Queued));
        });
    }

    [Test]
    public async Task Run_GarbageAroundValidEvents_RejectsEachBadItemAndQueuesTheRest()
    {
        var body = HostileBodies.Payload("mixed-garbage-batch.json");

        var answer = await SendAsync(_default, body);

        var queued = await QueuedAsync(_default);
        using var sent = JsonDocument.Parse(body);
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.Queued, Is.EqualTo(2));
            Assert.That(Notes(answer.Rejected, ""), Is.EqualTo(new[]
            {
                (0, EventReasons.NotAnObject), (1, EventReasons.NotAnObject), (2, EventReasons.NotAnObject),
                (3, EventReasons.NotAnObject), (4, EventReasons.NoType), (5, EventReasons.NotAnObject),
            }));
            Assert.That(queued.Select(e => e.Id), Is.EquivalentTo(new[] { "mixed-ok", "mixed-padded" }));
            Assert.That(queued.Single(e => e.Id == "mixed-padded").Event, Is.EqualTo(JsonMarshal.GetRawUtf8Value(sent.RootElement[7]).ToArray()));
        });
    }

    [TestCase("[[], [{\"type\":\"track\",\"messageId\":\"wrapped\",\"userId\":\"user-42\",\"event\":\"Signed Up\"}], [[[]]]]")]
    [TestCase("{\"batch\": [[], [{\"type\":\"track\",\"messageId\":\"wrapped\",\"userId\":\"user-42\",\"event\":\"Signed Up\"}], [[[]]]]}")]
    public async Task Run_NestedArraysWhereEventsBelong_RejectsEachItemWithoutUnwrapping(string body)
    {
        var answer = await SendAsync(_default, Encoding.UTF8.GetBytes(body));

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(answer.Error, Is.EqualTo(HostileBodies.AllRejected));
            Assert.That(Notes(answer.Rejected, ""), Is.EqualTo(new[] { (0, EventReasons.NotAnObject), (1, EventReasons.NotAnObject), (2, EventReasons.NotAnObject) }));
        });
    }

    [Test]
    public async Task Run_DuplicateTypeKey_RejectsTheEventUnderItsDerivedId()
    {
        var body = HostileBodies.Payload("duplicate-type.json");
        using var sent = JsonDocument.Parse(body);

        var answer = await SendAsync(_default, body);

        var note = answer.Rejected.Single();
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((note.Index, note.Reason), Is.EqualTo((0, EventReasons.DuplicateProperty)));
            Assert.That(note.MessageId, Is.EqualTo(SegmentEventValidator.DeriveMessageId(JsonMarshal.GetRawUtf8Value(sent.RootElement))));
        });
    }

    [Test]
    public async Task Run_ControlCharactersAndEmojiInNames_QueuesTheSentBytesUnchanged()
    {
        var body = HostileBodies.Payload("emoji-control-event-name.json");
        using var sent = JsonDocument.Parse(body);

        var answer = await SendAsync(_default, body);

        var queued = (await QueuedAsync(_default)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.Queued, Is.EqualTo(1));
            Assert.That(queued.Id, Is.EqualTo("emoji-1"));
            Assert.That(queued.Event, Is.EqualTo(JsonMarshal.GetRawUtf8Value(sent.RootElement).ToArray()));
        });
    }

    [Test]
    public async Task Run_Utf8ByteOrderMark_IsStrippedAndTheEventQueued()
    {
        var json = Valid("bom-1");
        var body = HostileBodies.Join([0xEF, 0xBB, 0xBF], json);

        var answer = await SendAsync(_default, body);

        var queued = (await QueuedAsync(_default)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(queued.Id, Is.EqualTo("bom-1"));
            Assert.That(queued.Event, Is.EqualTo(json));
        });
    }

    [Test]
    public async Task Run_NumericOrMissingMessageIds_QueuesUnderDecimalOrDerivedIds()
    {
        string[] items =
        [
            """{"type":"track","messageId":12345,"userId":"user-42","event":"Numbered"}""",
            """{"type":"track","userId":"user-42","event":"Missing"}""",
            """{"type":"track","messageId":"   ","userId":"user-42","event":"Blank"}""",
            """{"type":"track","messageId":null,"userId":"user-42","event":"Null"}""",
        ];
        var body = Encoding.UTF8.GetBytes("[" + string.Join(",", items) + "]");

        var answer = await SendAsync(_default, body);

        var queued = await QueuedAsync(_default);
        var derived = items.Skip(1).Select(i => SegmentEventValidator.DeriveMessageId(Encoding.UTF8.GetBytes(i))).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(answer.Queued, Is.EqualTo(4));
            Assert.That(queued.Select(e => e.Id), Is.EquivalentTo(derived.Prepend("12345")));
            Assert.That(derived, Has.All.Match("^sf-[0-9a-f]{32}$"));
        });
    }

    [Test]
    public async Task Run_SegmentsLargestBatchOfSmallEvents_QueuesEveryOne()
    {
        var ids = Enumerable.Range(0, 4000).Select(i => $"small-{i}").ToArray();
        var body = Encoding.UTF8.GetBytes("[" + string.Join(",", ids.Select(id => SegmentEventBuilder.Track().With("messageId", id).Json())) + "]");

        var answer = await SendAsync(_default, body);

        var queued = await QueuedAsync(_default);
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.Queued, Is.EqualTo(4000));
            Assert.That(answer.Skipped.Concat(answer.Rejected), Is.Empty);
            Assert.That(queued.Select(e => e.Id), Is.EquivalentTo(ids));
        });
    }

    // The body may nest 64 levels; the envelope puts an event 3 levels deeper (object, "events" array, item).
    [TestCase(61)]
    [TestCase(62)]
    [TestCase(63)]
    public async Task Run_EventNestedWithinTheBodyLimit_QueuesAnEnvelopeDeliveryCanRead(int eventDepth)
    {
        var nest = string.Concat(Enumerable.Repeat("{\"a\":", eventDepth - 1)) + "1" + new string('}', eventDepth - 1);
        var deep = $$"""{"type":"track","messageId":"deep-1","userId":"user-42","event":"Deep","properties":{{nest}}}""";
        var body = HostileBodies.Join("["u8.ToArray(), Valid("valid-before"), ","u8.ToArray(), Encoding.UTF8.GetBytes(deep), ","u8.ToArray(), Valid("valid-after"), "]"u8.ToArray());

        var answer = await SendAsync(_default, body);

        Assert.That(answer.Queued, Is.EqualTo(3));
        var queued = await QueuedAsync(_default);
        Assert.That(queued.Select(e => e.Id), Is.EquivalentTo(new[] { "valid-before", "deep-1", "valid-after" }));
    }

    [TestCase(SmallCap - 1, false, HttpStatusCode.OK)]
    [TestCase(SmallCap, false, HttpStatusCode.OK)]
    [TestCase(SmallCap + 1, false, HttpStatusCode.RequestEntityTooLarge)]
    [TestCase(SmallCap, true, HttpStatusCode.OK)]
    [TestCase(SmallCap + 1, true, HttpStatusCode.RequestEntityTooLarge)]
    public async Task Run_BodyAroundTheCap_QueuesUpToItAndRefusesAbove(int size, bool chunked, HttpStatusCode expected)
    {
        var body = HostileBodies.EventOfSize(size);

        var answer = await SendAsync(_smallCap, body, chunked: chunked);

        var queued = await QueuedAsync(_smallCap);
        Assert.Multiple(() =>
        {
            Assert.That(body, Has.Length.EqualTo(size));
            Assert.That(answer.Status, Is.EqualTo(expected));
            Assert.That(answer.Error, Is.EqualTo(expected == HttpStatusCode.OK ? null : $"body larger than Segment__MaxBodyBytes ({SmallCap} bytes)"));
            Assert.That(queued, Has.Count.EqualTo(expected == HttpStatusCode.OK ? 1 : 0));
        });
    }

    [Test]
    public async Task Run_FiftyMegabytesWithContentLength_Answers413WithoutReadingIt()
    {
        var body = HostileBodies.EventOfSize(FiftyMegabytes);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();

        var (answer, request) = await SendRawAsync(_default, body, contentLength: body.Length);

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        TestContext.Out.WriteLine($"413 after {elapsed.TotalMilliseconds:F0} ms, {allocated} bytes allocated");
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(request.Body.Position, Is.Zero, "the body must not be read");
            Assert.That(allocated, Is.LessThan(OneMebibyte));
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public async Task Run_ContentLengthOverTheCapOnASmallBody_Answers413WithoutReadingIt()
    {
        var body = Valid("declared-huge");

        var (answer, request) = await SendRawAsync(_default, body, contentLength: FiftyMegabytes);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(request.Body.Position, Is.Zero, "the body must not be read");
        });
        Assert.That(await QueuedAsync(_default), Is.Empty);
    }

    [TestCase(OneMebibyte)]
    [TestCase(8 * OneMebibyte)]
    public async Task Run_FiftyMegabytesChunked_Answers413WithMemoryBoundedByTheCap(int cap)
    {
        var forwarder = cap == OneMebibyte ? _mebibyteCap : _default;
        var body = HostileBodies.EventOfSize(FiftyMegabytes);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();

        var answer = await SendAsync(forwarder, body, chunked: true);

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        TestContext.Out.WriteLine($"413 after {elapsed.TotalMilliseconds:F0} ms, {allocated} bytes allocated");
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));

            // Pooled buffers double up to the cap and round up to a power of two: at most about 4x the cap.
            Assert.That(allocated, Is.LessThan((4L * cap) + OneMebibyte));
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [TestCaseSource(typeof(HostileBodies), nameof(HostileBodies.Signatures))]
    public async Task Run_WithSecret_AcceptsOnlyASignatureOfThisBody(Func<byte[], string> sign, HttpStatusCode expected, string? error)
    {
        var body = HostileBodies.Join("["u8.ToArray(), Valid("signed-1"), "]"u8.ToArray());

        var answer = await SendAsync(_signed, body, sign(body));

        var queued = await QueuedAsync(_signed);
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(expected));
            Assert.That(answer.Error, Is.EqualTo(error));
            Assert.That(queued, Has.Count.EqualTo(expected == HttpStatusCode.OK ? 1 : 0));
        });
    }

    [Test]
    public async Task Run_WithSecret_SignedGarbageGetsTheParseError()
    {
        var body = HostileBodies.Payload("truncated-batch.json");

        var answer = await SendAsync(_signed, body, SignatureVerifierTests.Sign(body, Secret));

        Assert.That((answer.Status, answer.Error), Is.EqualTo((HttpStatusCode.BadRequest, HostileBodies.NotJson)));
    }

    /// <summary>The webhook's JSON answer, read back.</summary>
    private sealed record Answer(HttpStatusCode Status, int Queued, IReadOnlyList<EventNote> Skipped, IReadOnlyList<EventNote> Rejected, string? Error);

    private static byte[] Valid(string messageId) => SegmentEventBuilder.Track().With("messageId", messageId).Bytes();

    private static (int Index, string? Reason)[] Notes(IEnumerable<EventNote> notes, string? reason) =>
        notes.Select(n => (n.Index, reason is null ? null : n.Reason)).ToArray();

    private static (int Index, string? Reason)[] Expected(EventOutcome list, EventOutcome outcome, int index, string? reason) =>
        list == outcome ? [(index, reason)] : [];

    /// <summary>POSTs through the harness; an exception escaping the function fails the test with what escaped.</summary>
    private static async Task<Answer> SendAsync(Forwarder forwarder, byte[] body, string? signature = null, bool chunked = false)
    {
        try
        {
            return Read(await forwarder.PostAsync(body, signature, chunked));
        }
        catch (Exception ex) when (ex is not AssertionException)
        {
            throw new AssertionException($"unhandled {ex.GetType().FullName} escaped the function (the host would answer 500): {ex.Message}", ex);
        }
    }

    /// <summary>POSTs with a chosen Content-Length header, returning the request so that a test can see how much was read.</summary>
    private static async Task<(Answer Answer, FakeHttpRequestData Request)> SendRawAsync(Forwarder forwarder, byte[] body, long contentLength)
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["Content-Length"] = contentLength.ToString(CultureInfo.InvariantCulture),
        };
        var request = new FakeHttpRequestData(new FakeFunctionContext(forwarder.Services), "POST", new Uri("http://localhost:7071/api/segment"), body, headers);
        var response = (FakeHttpResponseData)await forwarder.Create<SegmentWebhookFunction>().Run(request, CancellationToken.None);
        return (Read(response), request);
    }

    private static Answer Read(FakeHttpResponseData response)
    {
        using var json = response.ReadJson();
        var root = json.RootElement;
        return new Answer(
            response.StatusCode,
            root.GetProperty("queued").GetInt32(),
            ReadNotes(root.GetProperty("skipped")),
            ReadNotes(root.GetProperty("rejected")),
            root.TryGetProperty("error", out var error) ? error.GetString() : null);
    }

    private static EventNote[] ReadNotes(JsonElement notes) =>
        notes.EnumerateArray()
            .Select(n => new EventNote(n.GetProperty("index").GetInt32(), n.GetProperty("messageId").GetString(), n.GetProperty("reason").GetString()!))
            .ToArray();

    /// <summary>Everything on <c>segment-events</c>, read as delivery reads it: a message that is no envelope fails the test.</summary>
    private static async Task<List<(string Id, byte[] Event)>> QueuedAsync(Forwarder forwarder)
    {
        var events = new List<(string, byte[])>();
        while (true)
        {
            var messages = (await forwarder.Events.ReceiveMessagesAsync(32)).Value;
            if (messages.Length == 0)
            {
                return events;
            }

            foreach (var message in messages)
            {
                using var envelope = Envelope.TryParse(message.Body)
                    ?? throw new AssertionException($"queued message of {message.Body.ToMemory().Length} bytes is not a readable envelope: delivery would dead-letter it and every event in it");
                events.AddRange(envelope.Events.Select(e => (e.MessageId, JsonMarshal.GetRawUtf8Value(e.Event).ToArray())));
            }
        }
    }
}

/// <summary>The hostile corpus: whole bodies and single events, each with the answer it must get.</summary>
public static class HostileBodies
{
    internal const string NotJson = "body is not valid JSON (UTF-8, at most 64 levels deep)";
    internal const string NotAForm = "body must be an event object, an array of events, or {\"batch\": [...]}";
    internal const string NoEvents = "body holds no events";
    internal const string AllRejected = "every event was rejected";
    private const string Mismatch = "X-Signature does not match";

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private static readonly byte[] InvalidUtf8 = [0xFF, 0xC0, 0xAF];

    /// <summary>Bodies refused whole with 400: not JSON, or JSON that is not one of Segment's three forms.</summary>
    public static IEnumerable<TestCaseData> RefusedWhole()
    {
        var track = """{"type":"track","messageId":"c-1","userId":"user-42","event":"Signed Up"}""";
        yield return Body("HTML error page", Payload("not-json.html"), NotJson);
        yield return Body("form-encoded", Payload("form-encoded.txt"), NotJson);
        yield return Body("truncated batch", Payload("truncated-batch.json"), NotJson);
        yield return Body("truncated inside a string", Utf8("""{"type":"track","event":"Sig"""), NotJson);
        yield return Body("invalid UTF-8 as raw bytes", InvalidUtf8, NotJson);
        yield return Body("invalid UTF-8 between tokens", Join("["u8.ToArray(), InvalidUtf8, Utf8(track + "]")), NotJson);
        yield return Body("UTF-16 with its BOM", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(track)], NotJson);
        yield return Body("two UTF-8 BOMs", Join(Bom, Bom, Utf8(track)), NotJson);
        yield return Body("empty", [], NotJson);
        yield return Body("white space only", Utf8(" \r\n\t "), NotJson);
        yield return Body("unescaped control character in a name", Utf8(track.Replace("Signed Up", "Signed\u0001Up", StringComparison.Ordinal)), NotJson);
        yield return Body("comment", Utf8("// from a proxy\n" + track), NotJson);
        yield return Body("trailing comma", Utf8("[" + track + ",]"), NotJson);
        yield return Body("two events back to back", Utf8(track + track), NotJson);
        yield return Body("NaN literal", Utf8("""{"type":"track","userId":NaN}"""), NotJson);
        yield return Body("single quotes", Utf8("{'type':'track'}"), NotJson);
        yield return Body("10,000 nested arrays", Utf8(new string('[', 10_000) + new string(']', 10_000)), NotJson);
        yield return Body("10,000 nested objects", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), NotJson);
        yield return Body("65 nested arrays", Utf8(new string('[', 65) + new string(']', 65)), NotJson);
        yield return Body("event with properties nested 10,000 deep", Utf8(track[..^1] + ",\"properties\":" + new string('[', 10_000) + new string(']', 10_000) + "}"), NotJson);
        yield return Body("null", Utf8("null"), NotAForm);
        yield return Body("number", Utf8("42"), NotAForm);
        yield return Body("huge number", Utf8("-1.5e308"), NotAForm);
        yield return Body("string", Utf8("\"track\""), NotAForm);
        yield return Body("true", Utf8("true"), NotAForm);
        yield return Body("batch null", Utf8("""{"batch":null}"""), NotAForm);
        yield return Body("batch object", Utf8("{\"batch\":" + track + "}"), NotAForm);
        yield return Body("batch as a string", Utf8("""{"batch":"[]"}"""), NotAForm);
        yield return Body("empty array", Utf8("[]"), NoEvents);
        yield return Body("empty batch", Utf8("""{"batch":[],"context":{}}"""), NoEvents);
        yield return Body("duplicate batch key, last empty", Utf8("{\"batch\":[" + track + "],\"batch\":[]}"), NoEvents);
    }

    /// <summary>Single events: what ingest decides for each, whether in a batch or alone.</summary>
    public static IEnumerable<TestCaseData> Events()
    {
        var longId = new string('i', 512);
        var tooLongId = new string('i', 513);
        var tenKilobytes = new string('u', 10 * 1024);

        yield return Event("type Track", """{"type":"Track","messageId":"c-1","userId":"user-42","event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("type ' track '", """{"type":" track ","messageId":"c-1","userId":"user-42","event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("type tab TRACK newline", """{"type":"\tTRACK\n","messageId":"c-1","userId":"user-42","event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("type ' Identify '", """{"type":" Identify ","messageId":"c-1","userId":"user-42"}""", EventOutcome.Accepted);
        yield return Event("userId number", """{"type":"track","messageId":"c-1","userId":42,"event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("userId fraction", """{"type":"track","messageId":"c-1","userId":-7.5,"event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("userId 512 characters", $$"""{"type":"track","messageId":"c-1","userId":"{{longId}}","event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("messageId number", """{"type":"track","messageId":12345,"userId":"user-42","event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("messageId 512 characters", $$"""{"type":"track","messageId":"{{longId}}","userId":"user-42","event":"Signed Up"}""", EventOutcome.Accepted);
        yield return Event("event name with escaped control characters", """{"type":"track","messageId":"c-1","userId":"user-42","event":"a\u0000b\u0007c\u001f\r\n"}""", EventOutcome.Accepted);
        yield return Event("event name with emoji", """{"type":"track","messageId":"c-1","userId":"user-42","event":"🎉 \ud83d\ude80 🏳️‍🌈"}""", EventOutcome.Accepted);
        yield return Event("invalid UTF-8 inside properties", Join(Utf8("{\"type\":\"track\",\"messageId\":\"c-1\",\"userId\":\"user-42\",\"event\":\"Signed Up\",\"properties\":{\"plan\":\"x"), InvalidUtf8, Utf8("\"}}")), EventOutcome.Accepted);

        yield return Event("type group", """{"type":"group","messageId":"c-1","userId":"user-42","groupId":"g-1"}""", EventOutcome.Skipped, EventReasons.UnsupportedType);
        yield return Event("type ' Alias '", """{"type":" Alias ","messageId":"c-1","userId":"user-42","previousId":"p-1"}""", EventOutcome.Skipped, EventReasons.UnsupportedType);
        yield return Event("userId empty", """{"type":"track","messageId":"c-1","userId":"","event":"Signed Up"}""", EventOutcome.Skipped, EventReasons.NoUserId);
        yield return Event("userId blank", """{"type":"track","messageId":"c-1","userId":" \t ","event":"Signed Up"}""", EventOutcome.Skipped, EventReasons.NoUserId);
        yield return Event("userId null", """{"type":"track","messageId":"c-1","userId":null,"event":"Signed Up"}""", EventOutcome.Skipped, EventReasons.NoUserId);
        yield return Event("anonymousId only", """{"type":"track","messageId":"c-1","anonymousId":"anon-1","event":"Signed Up"}""", EventOutcome.Skipped, EventReasons.NoUserId);
        yield return Event("integrations Stories false", """{"type":"track","messageId":"c-1","userId":"user-42","event":"Signed Up","integrations":{"Stories":false}}""", EventOutcome.Skipped, EventReasons.DisabledByIntegrations);

        foreach (var (name, item) in new[] { ("null", "null"), ("number", "42"), ("string", "\"track\""), ("empty array", "[]"), ("nested array", "[[{\"type\":\"track\"}]]"), ("true", "true") })
        {
            yield return Event("item " + name, item, EventOutcome.Rejected, EventReasons.NotAnObject);
        }

        yield return Event("empty object", "{}", EventOutcome.Rejected, EventReasons.NoType);
        yield return Event("type number", """{"type":1,"messageId":"c-1","userId":"user-42"}""", EventOutcome.Rejected, EventReasons.NoType);
        yield return Event("type null", """{"type":null,"messageId":"c-1","userId":"user-42"}""", EventOutcome.Rejected, EventReasons.NoType);
        yield return Event("type array", """{"type":["track"],"messageId":"c-1","userId":"user-42"}""", EventOutcome.Rejected, EventReasons.NoType);
        yield return Event("type 'tr ack'", """{"type":"tr ack","messageId":"c-1","userId":"user-42","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.UnknownType);
        yield return Event("type empty", """{"type":"","messageId":"c-1","userId":"user-42","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.UnknownType);
        yield return Event("duplicate type", """{"type":"track","type":"page","messageId":"c-1","userId":"user-42","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.DuplicateProperty);
        yield return Event("duplicate userId", """{"type":"track","messageId":"c-1","userId":"user-42","userId":"user-43","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.DuplicateProperty);
        yield return Event("duplicate messageId", """{"type":"track","messageId":"c-1","messageId":"c-2","userId":"user-42","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.DuplicateProperty);
        yield return Event("duplicate event", """{"type":"track","messageId":"c-1","userId":"user-42","event":"Signed Up","event":"Churned"}""", EventOutcome.Rejected, EventReasons.DuplicateProperty);
        yield return Event("duplicate integrations", """{"type":"track","messageId":"c-1","userId":"user-42","event":"Signed Up","integrations":{},"integrations":{"All":false}}""", EventOutcome.Rejected, EventReasons.DuplicateProperty);

        foreach (var (name, userId) in new[] { ("object", "{\"id\":1}"), ("array", "[\"user-42\"]"), ("true", "true"), ("false", "false") })
        {
            yield return Event("userId " + name, $$"""{"type":"track","messageId":"c-1","userId":{{userId}},"event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.InvalidUserId);
        }

        yield return Event("userId 513 characters", $$"""{"type":"track","messageId":"c-1","userId":"{{tooLongId}}","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.UserIdTooLong);
        yield return Event("userId 10 KB", $$"""{"type":"track","messageId":"c-1","userId":"{{tenKilobytes}}","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.UserIdTooLong);

        foreach (var (name, messageId) in new[] { ("fraction", "1.5"), ("true", "true"), ("object", "{}"), ("over Int64", "99999999999999999999"), ("1e400", "1e400"), ("513 characters", "\"" + tooLongId + "\"") })
        {
            yield return Event("messageId " + name, $$"""{"type":"track","messageId":{{messageId}},"userId":"user-42","event":"Signed Up"}""", EventOutcome.Rejected, EventReasons.InvalidMessageId);
        }

        yield return Event("track without event", """{"type":"track","messageId":"c-1","userId":"user-42"}""", EventOutcome.Rejected, EventReasons.NoEventName);
        yield return Event("track with blank event", """{"type":"track","messageId":"c-1","userId":"user-42","event":"  "}""", EventOutcome.Rejected, EventReasons.NoEventName);
        yield return Event("track with numeric event", """{"type":"track","messageId":"c-1","userId":"user-42","event":7}""", EventOutcome.Rejected, EventReasons.NoEventName);
        yield return Event("event over 32 KB", $$$"""{"type":"track","messageId":"c-1","userId":"user-42","event":"Big","properties":{"pad":"{{{new string('x', 33 * 1024)}}}"}}""", EventOutcome.Rejected, EventReasons.TooLarge);

        // Valid JSON syntax, but not text: ingest must not throw reading these fields. Any reason will do.
        foreach (var field in new[] { "type", "messageId", "userId", "event" })
        {
            var fields = new Dictionary<string, string> { ["type"] = "\"track\"", ["messageId"] = "\"c-1\"", ["userId"] = "\"user-42\"", ["event"] = "\"Signed Up\"" };
            yield return Event($"invalid UTF-8 inside {field}", Fields(fields, field, Join(Utf8("\"x"), InvalidUtf8, Utf8("\""))), EventOutcome.Rejected);
            yield return Event($"lone surrogate escape inside {field}", Fields(fields, field, Utf8("\"x\\ud800\"")), EventOutcome.Rejected);
        }
    }

    /// <summary>The events of <see cref="Events"/> that can also be a whole body.</summary>
    public static IEnumerable<TestCaseData> ObjectEvents() => Events().Where(c => ((byte[])c.Arguments[0]!)[0] == (byte)'{');

    public static IEnumerable<TestCaseData> Signatures()
    {
        static string Sign(byte[] body) => SignatureVerifierTests.Sign(body, HostileInputTests.Secret);

        yield return Signature("upper-case hex of the body", b => Sign(b).ToUpperInvariant(), HttpStatusCode.OK, null);
        yield return Signature("hex with spaces around", b => " " + Sign(b) + " ", HttpStatusCode.OK, null);
        yield return Signature("valid signature of a different body", _ => Sign(Utf8("""[{"type":"track","messageId":"other"}]""")), HttpStatusCode.Unauthorized, Mismatch);
        yield return Signature("another secret", b => SignatureVerifierTests.Sign(b, "not-the-secret"), HttpStatusCode.Unauthorized, Mismatch);
        yield return Signature("sha1= prefix", b => "sha1=" + Sign(b), HttpStatusCode.Unauthorized, Mismatch);
        yield return Signature("39 hex digits", b => Sign(b)[..39], HttpStatusCode.Unauthorized, Mismatch);
        yield return Signature("not hex", _ => new string('z', 40), HttpStatusCode.Unauthorized, Mismatch);
        yield return Signature("base64 of the HMAC", b => Convert.ToBase64String(Convert.FromHexString(Sign(b))), HttpStatusCode.Unauthorized, Mismatch);
        yield return Signature("blank", _ => "   ", HttpStatusCode.Unauthorized, "X-Signature missing");
    }

    public static byte[] Payload(string name) =>
        File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Payloads", "Hostile", name));

    /// <summary>A valid track event of exactly <paramref name="size"/> bytes, padded with 'x'; built without strings so 50 MB is cheap.</summary>
    public static byte[] EventOfSize(int size)
    {
        var head = Utf8($"{{\"type\":\"track\",\"messageId\":\"sized-{size}\",\"userId\":\"user-42\",\"event\":\"Sized\",\"pad\":\"");
        var body = new byte[size];
        body.AsSpan().Fill((byte)'x');
        head.CopyTo(body, 0);
        "\"}"u8.CopyTo(body.AsSpan(size - 2));
        return body;
    }

    public static byte[] Join(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Fields(Dictionary<string, string> fields, string replaced, byte[] value) =>
        Join([(byte)'{', .. Join(fields.Select(f => Join(Utf8($"\"{f.Key}\":"), f.Key == replaced ? value : Utf8(f.Value))).SelectMany(f => new[] { ","u8.ToArray(), f }).Skip(1).ToArray()), (byte)'}']);

    private static TestCaseData Body(string name, byte[] body, string error) => new TestCaseData(body, error).SetArgDisplayNames(name);

    private static TestCaseData Event(string name, string json, EventOutcome outcome, string? reason = null) => Event(name, Utf8(json), outcome, reason);

    private static TestCaseData Event(string name, byte[] json, EventOutcome outcome, string? reason = null) =>
        new TestCaseData(json, outcome, reason).SetArgDisplayNames(name);

    private static TestCaseData Signature(string name, Func<byte[], string> sign, HttpStatusCode status, string? error) =>
        new TestCaseData(sign, status, error).SetArgDisplayNames(name);
}
