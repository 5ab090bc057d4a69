using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// Every log line written through ingest, delivery, retry, throttling, waiting for budget, the backlog gauges, dead
/// letter, listing, replay and erasure (started, its pass, an erased user's event skipped, lifted), for events full of
/// personal data: none of it, nor any key, secret or signature, may appear in a message or a structured value.
/// </summary>
public class PersonalDataLoggingTests
{
    private const string Secret = "very-secret-shared-value";
    private const string Email = "grace.hopper@example.org";
    private const string Phone = "+15551234567";
    private const string Name = "Grace Hopper";
    private const string Trait = "navy-rear-admiral";
    private const string EventName = "Opened secret-project-cobol";

    private static SegmentEventBuilder Identify() => SegmentEventBuilder.Identify().With("traits", new JsonObject
    {
        ["name"] = Name,
        ["email"] = Email,
        ["phone"] = Phone,
        ["rank"] = Trait,
    }).With("context", new JsonObject { ["ip"] = "198.51.100.77" });

    [Test]
    public async Task EveryPath_LogsNoSecretsOrPersonalData()
    {
        await using var stories = await StoriesStandIn.StartAsync();
        await using var forwarder = await Forwarder.StartAsync(stories.BaseUrl, s =>
        {
            s["Segment:SharedSecret"] = Secret;
            s["Stories:QuickRetries"] = "0";
            s["Delivery:MaxAttempts"] = "2";
        });
        var delivered = Identify();
        var retried = SegmentEventBuilder.Track().With("event", EventName).With("userId", Email);
        var refused = Identify();
        var exhausted = Identify();
        var skipped = SegmentEventBuilder.Track().Without("userId").With("anonymousId", Email);
        var rejected = SegmentEventBuilder.Track().With("userId", new JsonObject { ["email"] = Email });
        var body = Encoding.UTF8.GetBytes($"[{delivered.Json()},{retried.Json()},{skipped.Json()},{rejected.Json()}]");
        var signature = SignatureVerifierTests.Sign(body, Secret);
        stories.Enqueue(StoriesReply.Status(500, $"{{\"error\":\"{Email}\"}}").ForPath("/v1/events"));

        await forwarder.PostAsync(body, "0000" + signature[4..]);
        await forwarder.PostAsync(body, signature);
        await forwarder.DeliverUntilAsync(() => stories.Requests.Count(r => r.StatusCode == 201) >= 2, TimeSpan.FromSeconds(20));
        stories.Enqueue(StoriesReply.Status(422, $"{{\"message\":\"{Email} is invalid\"}}"));
        await forwarder.PostAsync(Encoding.UTF8.GetBytes(refused.Json()), SignatureVerifierTests.Sign(Encoding.UTF8.GetBytes(refused.Json()), Secret));
        await forwarder.DeliverVisibleAsync();
        stories.FailAll(StoriesReply.Status(503, Phone));
        await forwarder.PostAsync(Encoding.UTF8.GetBytes(exhausted.Json()), SignatureVerifierTests.Sign(Encoding.UTF8.GetBytes(exhausted.Json()), Secret));
        await forwarder.DeliverUntilAsync(async () => (await forwarder.DeadLettersAsync()).Count >= 2, TimeSpan.FromSeconds(20));
        stories.Recover();
        await CallDeadLettersAsync(forwarder);
        await forwarder.DeliverVisibleAsync();

        // An erasure of the user whose id is an e-mail address: one of their events queued before, one sent after, then lifted.
        await EraseAsync(forwarder, SegmentEventBuilder.Track().With("event", EventName).With("userId", Email));

        // Stories' rate limit: a 429 pauses everyone for 30 s, so the event waits in the queue for its slot.
        var throttled = Identify();
        stories.Enqueue(StoriesReply.Status(429, $"{{\"message\":\"{Email}\"}}").WithHeader("Retry-After", "30"));
        await forwarder.PostAsync(Encoding.UTF8.GetBytes(throttled.Json()), SignatureVerifierTests.Sign(Encoding.UTF8.GetBytes(throttled.Json()), Secret));
        await forwarder.DeliverVisibleAsync();
        await forwarder.Services.GetRequiredService<Backlog>().EmitAsync(CancellationToken.None);

        var logs = forwarder.Logs.GetSnapshot();
        var forbidden = new[] { Secret, Forwarder.ApiKey, signature, Email, Phone, Name, "Grace", Trait, EventName, "198.51.100.77" };
        var leaks = logs.SelectMany(record => Texts(record).Where(text => forbidden.Any(f => text.Contains(f, StringComparison.OrdinalIgnoreCase)))
            .Select(text => $"{record.Category}: {text}")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(logs.Select(l => l.Id.Name), Is.SupersetOf(new[]
            {
                "RequestRefused", "EventQueued", "EventSkipped", "EventRejected", "EventDelivered", "RetryScheduled", "DeadLettered", "Replayed",
                "Throttled", "WaitingForBudget", "Backlog", "ErasureStarted", "ErasurePass", "ErasedEventSkipped", "ErasureLifted",
            }), "every path was exercised");
            Assert.That(leaks, Is.Empty);
        });
    }

    private static async Task EraseAsync(Forwarder forwarder, SegmentEventBuilder theirs)
    {
        var body = Encoding.UTF8.GetBytes(theirs.Json());
        await forwarder.PostAsync(body, SignatureVerifierTests.Sign(body, Secret));
        var user = $"{{\"userId\":\"{Email}\"}}";
        await forwarder.ApiAsync("POST", "erasures", user);
        await forwarder.RunErasuresAsync();
        await forwarder.DeliverVisibleAsync();
        var later = Encoding.UTF8.GetBytes(theirs.With("messageId", "after-erasure").Json());
        await forwarder.PostAsync(later, SignatureVerifierTests.Sign(later, Secret));
        await forwarder.ApiAsync("POST", "erasures/lift", user);
    }

    private static async Task CallDeadLettersAsync(Forwarder forwarder)
    {
        await forwarder.ApiAsync("GET", "dead-letters");
        await forwarder.ApiAsync("GET", "dead-letters/count?reason=permanent");
        await forwarder.ApiAsync("GET", "dead-letters?userId=" + Uri.EscapeDataString(Email));
        await forwarder.ApiAsync("POST", "dead-letters/replay");
        await forwarder.RunJobsAsync();
    }

    private static IEnumerable<string> Texts(FakeLogRecord record)
    {
        yield return record.Message;
        if (record.Exception is not null)
        {
            yield return record.Exception.ToString();
        }

        foreach (var (_, value) in record.StructuredState ?? [])
        {
            if (value is not null)
            {
                yield return value;
            }
        }
    }
}
