using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Playwright;
using StoriesFunctions.Delivery;
using StoriesFunctions.Tests.Segment;
using StoriesFunctions.Tests.Support;
using static Microsoft.Playwright.Assertions;
using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// The operator's console in a real browser (the OS's headless Chromium, driven by Playwright) against the app under
/// the real host: a seeded day is charted, 40 dead letters with three reasons are listed in pages, filtered to one
/// reason, replayed as a job once the cause is fixed (each delivered once), purged, and one is opened; each step is
/// checked in the page and in storage; a person is erased from the console's form. The page breaks its
/// Content-Security-Policy nowhere, and no URL it opens holds a key or a user id. Saves the screenshot the README and
/// docs/operating.md show.
/// </summary>
[Category("Host")]
public class ConsoleUnderHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(240_000)]
    public async Task Console_ASeededDayAndFortyDeadLettersThreeReasons_ChartedListedFilteredReplayedPurgedOpened(CancellationToken cancellationToken)
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.Ignore("skipped: chromium not found (apt-get install -y chromium)");
        }

        // Pieces of 4: every job here runs in several pieces, each queued by the last.
        var settings = new Dictionary<string, string?> { ["Delivery__MaxAttempts"] = "1", ["DeadLetters__JobPieceSize"] = "4" };
        await using var cluster = await HostCluster.StartAsync(1, settings, cancellationToken: cancellationToken);
        var store = new DeadLetterStore(new TableServiceClient(cluster.StorageConnectionString));
        var exhausted = await MakeFortyDeadLettersAsync(cluster, store, cancellationToken);
        var summary = new Uri(cluster[0].BaseAddress, "api/console/summary");
        await WaitForAsync(async () => (await cluster[0].Http.GetStringAsync(summary, cancellationToken)).Contains("\"lastHour\":{\"received\":30,\"delivered\":0,\"retried\":0,\"deadLettered\":40}", StringComparison.Ordinal), cancellationToken);

        // The HTTP API under the host: pages of 15 and a filtered count.
        var pages = new List<int>();
        string? next = null;
        do
        {
            using var listed = await GetJsonAsync(cluster, "api/dead-letters?max=15" + (next is null ? string.Empty : "&next=" + Uri.EscapeDataString(next)), cancellationToken);
            pages.Add(listed.RootElement.GetProperty("deadLetters").GetArrayLength());
            next = listed.RootElement.GetProperty("next").GetString();
        }
        while (next is not null && pages.Count < 10);

        using var moved = await GetJsonAsync(cluster, "api/dead-letters/count?reason=host%20moved", cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(pages.Sum(), Is.EqualTo(40));
            Assert.That(pages, Has.Count.InRange(3, 4));
            Assert.That(moved.RootElement.GetProperty("count").GetInt32(), Is.EqualTo(10));
        });

        // Two instances' rows of a day, up to the bucket before this one (the test's own events are in this one).
        var seeded = await SeededDay.WriteAsync(cluster.StorageConnectionString, DateTimeOffset.UtcNow, cancellationToken);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1300 } });
        var (messages, pageErrors) = await WatchAsync(page);
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);
        var rows = page.Locator("#list tbody tr");
        await page.GotoAsync(new Uri(cluster[0].BaseAddress, "api/console").AbsoluteUri);

        // Listed in pages of 25, the backlog and counts shown, the day charted from every instance's rows.
        await Expect(rows).ToHaveCountAsync(25);
        await Expect(page.Locator("#backlog-messages")).ToHaveTextAsync("0");
        await Expect(page.Locator("#counts-hour td").Nth(0)).ToHaveTextAsync((30 + seeded.LastHour.Received).ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#counts-day td").Nth(3)).ToHaveTextAsync((40 + seeded.Day.DeadLettered).ToString(CultureInfo.InvariantCulture));
        await ExpectChartsAsync(page, seeded);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath() });
        await page.ClickAsync("#more");
        await Expect(rows).ToHaveCountAsync(40);

        // Filtered to one reason, replayed after the fix: each delivered once, the rest still there.
        await page.SelectOptionAsync("select[name=reason]", "retries exhausted");
        await page.ClickAsync("#apply");
        await Expect(rows).ToHaveCountAsync(15);
        await page.ClickAsync("#replay");
        await Expect(page.Locator("#confirm-text")).ToHaveTextAsync("This will replay 15 dead letters. Go on?");
        await page.ClickAsync("#confirm-yes");
        await Expect(page.Locator("#job")).ToContainTextAsync("completed: 15 replayed", new() { Timeout = 30_000 });
        await Expect(rows).ToHaveCountAsync(0);
        await WaitForAsync(() => Task.FromResult(Created(cluster).Count >= 15), cancellationToken);

        // Purged: gone from the page and from storage.
        await page.SelectOptionAsync("select[name=reason]", "permanent");
        await page.ClickAsync("#apply");
        await Expect(rows).ToHaveCountAsync(15);
        await page.ClickAsync("#purge");
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("purge (delete, events and all) 15 dead letters");
        await page.ClickAsync("#confirm-yes");
        await Expect(page.Locator("#job")).ToContainTextAsync("completed: 15 purged", new() { Timeout = 30_000 });

        // One opened: its event, personal data and all, only now.
        await page.SelectOptionAsync("select[name=reason]", string.Empty);
        await page.ClickAsync("#apply");
        await Expect(rows).ToHaveCountAsync(10);
        await Expect(page.Locator("#list")).Not.ToContainTextAsync("moved-");
        await rows.First.Locator("button").ClickAsync();
        await Expect(page.Locator("#detail-body")).ToContainTextAsync("\"userId\": \"moved-");

        // A person erased from the form: the job starts, and its id is in no URL (only in the request's body).
        await page.FillAsync("#erasure-user", "moved-0");
        await page.ClickAsync("#erase");
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("erase this user");
        await page.ClickAsync("#confirm-yes");
        await Expect(page.Locator("#erasure-status")).ToContainTextAsync("Erasure ");

        var left = await ListAllAsync(store, cancellationToken);
        var refused = await page.EvaluateAsync<string[]>("() => window.cspViolations");
        TestContext.Out.WriteLine("The page's console:" + Environment.NewLine + string.Join(Environment.NewLine, messages));
        Assert.Multiple(() =>
        {
            Assert.That(messages, Has.None.Contains("Content Security Policy"), "no CSP violation in the page's console");
            Assert.That(pageErrors.Concat(refused), Is.Empty, "no CSP violation event, no page error");
            Assert.That(urls, Is.Not.Empty);
            Assert.That(urls, Has.None.Contain("code=").IgnoreCase.And.None.Contain("key").IgnoreCase.And.None.Contain("moved-0"),
                "no key, and no user id, in any URL the console opened");
            Assert.That(left.Select(d => DeadLetterFilter.KindOf(d.Letter.Reason)).Distinct(), Is.EqualTo(new[] { "host moved" }));
            Assert.That(left, Has.Count.InRange(9, 10), "the erasure may have purged moved-0's dead letter already");
            Assert.That(Created(cluster).Order(), Is.EqualTo(exhausted.Order()), "each replayed event delivered once");
        });
    }

    /// <summary>Three charts of the last day, each series drawn, their totals the seeded day's and the test's own.</summary>
    private static async Task ExpectChartsAsync(IPage page, SeededDay seeded)
    {
        await Expect(page.Locator("#charts svg[role=img]")).ToHaveCountAsync(3);
        foreach (var (chart, series) in new[] { ("events", "received"), ("events", "delivered"), ("failures", "retried"), ("failures", "deadLettered"), ("backlog-age", "backlogAge") })
        {
            await Expect(page.Locator($"#chart-{chart} polyline[data-series={series}]")).ToHaveCountAsync(1);
        }

        await Expect(page.Locator("#chart-events desc")).ToContainTextAsync($"In: {Number(30 + seeded.Day.Received)} in all");
        await Expect(page.Locator("#chart-failures desc")).ToContainTextAsync($"Dead-lettered: {Number(40 + seeded.Day.DeadLettered)} in all");
        await Expect(page.Locator("#chart-backlog-age desc")).ToContainTextAsync("Oldest waiting: at most 45 min");
        await Expect(page.Locator("#chart-events text").Filter(new() { HasTextString = "UTC" })).ToHaveCountAsync(1);
    }

    /// <summary>
    /// The page's console messages and errors, and every <c>securitypolicyviolation</c> event, from before its first
    /// script runs (Playwright's init script is not subject to the page's CSP).
    /// </summary>
    private static async Task<(List<string> Messages, List<string> Errors)> WatchAsync(IPage page)
    {
        var (messages, errors) = (new List<string>(), new List<string>());
        page.Console += (_, message) => { lock (messages) { messages.Add($"{message.Type}: {message.Text}"); } };
        page.PageError += (_, error) => { lock (errors) { errors.Add("page error: " + error); } };
        await page.AddInitScriptAsync("window.cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
        return (messages, errors);
    }

    private static string Number(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>15 refused (422), 15 whose one attempt failed (503), 10 the host moved to poison.</summary>
    private static async Task<List<string>> MakeFortyDeadLettersAsync(HostCluster cluster, DeadLetterStore store, CancellationToken cancellationToken)
    {
        var refused = Enumerable.Range(0, 15).Select(i => SegmentEventBuilder.Track().With("userId", $"refused-{i}").With("event", $"Refused {i}").Json());
        var exhausted = Enumerable.Range(0, 15).Select(i => SegmentEventBuilder.Track().With("userId", $"exhausted-{i}").With("event", $"Exhausted {i}")).ToList();
        cluster.Stories.FailAll(StoriesReply.Status(422, "{\"message\":\"invalid\"}"));
        using (var answer = await cluster[0].PostWebhookAsync("[" + string.Join(",", refused) + "]", cancellationToken: cancellationToken))
        {
            answer.EnsureSuccessStatusCode();
        }

        await WaitForAsync(async () => (await ListAllAsync(store, cancellationToken)).Count >= 15, cancellationToken);
        cluster.Stories.FailAll(StoriesReply.Status(503));
        using (var answer = await cluster[0].PostWebhookAsync("[" + string.Join(",", exhausted.Select(e => e.Json())) + "]", cancellationToken: cancellationToken))
        {
            answer.EnsureSuccessStatusCode();
        }

        var packer = new EnvelopePacker();
        foreach (var i in Enumerable.Range(0, 10))
        {
            var evt = SegmentEventBuilder.Track().With("userId", $"moved-{i}").With("event", $"Moved {i}");
            packer.Add(evt.MessageId, DateTimeOffset.UtcNow, evt.Element());
        }

        foreach (var envelope in packer.Complete())
        {
            await cluster.Poison.SendMessageAsync(envelope, null, null, cancellationToken);
        }

        await WaitForAsync(async () => (await ListAllAsync(store, cancellationToken)).Count >= 40, cancellationToken);
        cluster.Stories.Recover();
        return [.. exhausted.Select(e => string.Create(CultureInfo.InvariantCulture, $"Exhausted {exhausted.IndexOf(e)}"))];
    }

    private static async Task<System.Text.Json.JsonDocument> GetJsonAsync(HostCluster cluster, string path, CancellationToken cancellationToken) =>
        System.Text.Json.JsonDocument.Parse(await cluster[0].Http.GetStringAsync(new Uri(cluster[0].BaseAddress, path), cancellationToken));

    private static async Task<List<StoredDeadLetter>> ListAllAsync(DeadLetterStore store, CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(1000, null, false, cancellationToken)).Page];

    private static List<string> Created(HostCluster cluster) =>
        [.. cluster.Stories.Requests.Where(r => r is { Path: "/v1/events", StatusCode: 201 }).Select(r => r.Json.GetProperty("data").GetProperty("content").GetString()!)];

    private static async Task WaitForAsync(Func<Task<bool>> done, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
        }
    }

    private static string ScreenshotPath() =>
        Path.Combine(TestContext.CurrentContext.WorkDirectory, "console.png");
}
