using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Tests.Functions;

/// <summary>
/// The app as the Functions host runs it, minus the host: the real DI container from
/// <see cref="ForwarderRegistration"/>, real Azurite, a real HTTP server standing in for Stories, and the function
/// classes invoked the way the host invokes them (HTTP requests in; queue messages read in the host's base64 encoding
/// and handed over as <see cref="QueueMessage"/>, deleted only when the invocation succeeds).
/// </summary>
internal sealed class Forwarder : IAsyncDisposable
{
    public const string ApiKey = "test-api-key-0123456789";

    private readonly IHost _host;

    private Forwarder(IHost host, Azurite azurite)
    {
        _host = host;
        Events = azurite.HostQueueClient(QueueNames.Events);
        Poison = azurite.HostQueueClient(QueueNames.Poison);
        Jobs = azurite.HostQueueClient(QueueNames.Jobs);
        JobsPoison = azurite.HostQueueClient(QueueNames.JobsPoison);
        Erasures = azurite.HostQueueClient(QueueNames.Erasures);
    }

    /// <summary>host.json's <c>maxDequeueCount</c>: tries before the host moves a message to its poison queue.</summary>
    public const int MaxDequeueCount = 5;

    public IServiceProvider Services => _host.Services;

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary><c>segment-events</c>, read like the host reads it.</summary>
    public QueueClient Events { get; }

    public QueueClient Poison { get; }

    /// <summary><c>deadletter-jobs</c>, read like the host reads it.</summary>
    public QueueClient Jobs { get; }

    public QueueClient JobsPoison { get; }

    /// <summary><c>erasure-jobs</c>, read like the host reads it.</summary>
    public QueueClient Erasures { get; }

    /// <summary>Settings that keep retries fast; tests override what they need.</summary>
    public static Dictionary<string, string?> FastSettings(Uri storiesBaseUrl) => new()
    {
        ["Stories:ApiKey"] = ApiKey,
        ["Stories:BaseUrl"] = storiesBaseUrl.AbsoluteUri,
        ["Stories:QuickRetries"] = "1",
        ["Stories:QuickRetryDelay"] = "00:00:00.050",
        ["Stories:AttemptTimeout"] = "00:00:02",

        // Most tests post unsigned bodies; the ones about signatures set Segment:SharedSecret.
        ["Segment:AllowUnsignedCalls"] = "true",
        ["Erasure:HashKey"] = "test-erasure-hash-key-0123456789abcdef",

        // Operator endpoints without sign-in, as under func start; the tests about sign-in turn it off.
        ["Operators:LocalDevelopment"] = "true",

        // Out of the way: tests that are about the budget set their own.
        ["Stories:RateLimit"] = "100000/1s",
        ["Delivery:InitialRetryDelay"] = "00:00:01",
        ["Delivery:MaxRetryDelay"] = "00:00:02",
        ["Delivery:MaxAttempts"] = "3",
    };

    public static async Task<Forwarder> StartAsync(
        Uri storiesBaseUrl, Action<Dictionary<string, string?>>? configure = null, string? storageConnectionString = null, Action<IHostApplicationBuilder>? services = null)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        var settings = FastSettings(storiesBaseUrl);
        settings["AzureWebJobsStorage"] = storageConnectionString ?? azurite.ConnectionString;
        configure?.Invoke(settings);

        var host = Build(settings, services);
        await host.StartAsync();
        var forwarder = new Forwarder(host, azurite);
        if (storageConnectionString is null)
        {
            await forwarder.Events.CreateIfNotExistsAsync();
            await forwarder.Poison.CreateIfNotExistsAsync();
            await forwarder.Events.ClearMessagesAsync();
            await forwarder.Poison.ClearMessagesAsync();
            await forwarder.Jobs.CreateIfNotExistsAsync();
            await forwarder.Jobs.ClearMessagesAsync();
            await forwarder.JobsPoison.CreateIfNotExistsAsync();
            await forwarder.JobsPoison.ClearMessagesAsync();
            await forwarder.Erasures.CreateIfNotExistsAsync();
            await forwarder.Erasures.ClearMessagesAsync();
            await forwarder.ClearDeadLettersAsync();
            await forwarder.ResetBudgetAsync();
        }

        return forwarder;
    }

    /// <summary>The container the app builds, with validation on build and scopes, and logs captured.</summary>
    public static IHost Build(IDictionary<string, string?> settings, Action<IHostApplicationBuilder>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        builder.ConfigureContainer(new Microsoft.Extensions.DependencyInjection.DefaultServiceProviderFactory(
            new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.AddStoriesForwarder();
        services?.Invoke(builder);
        return builder.Build();
    }

    public T Create<T>() => ActivatorUtilities.CreateInstance<T>(Services);

    /// <summary>
    /// Runs around each webhook and delivery invocation (the function's name, the invocation), as the worker's own
    /// pipeline does: the OpenTelemetry measurement starts the worker's <c>Invoke</c> activity here.
    /// </summary>
    public Func<string, Func<Task>, Task> Invocation { get; set; } = (_, invoke) => invoke();

    /// <summary>POSTs a body to the webhook function as the host would.</summary>
    public async Task<FakeHttpResponseData> PostAsync(byte[] body, string? signature = null, bool chunked = false)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
        if (signature is not null)
        {
            headers["X-Signature"] = signature;
        }

        var request = new FakeHttpRequestData(new FakeFunctionContext(Services), "POST", new Uri("http://localhost:7071/api/segment"), body, headers, chunked);
        FakeHttpResponseData? response = null;
        await Invocation("SegmentWebhook", async () => response = (FakeHttpResponseData)await Create<SegmentWebhookFunction>().Run(request, CancellationToken.None));
        return response!;
    }

    public Task<FakeHttpResponseData> PostAsync(string body, string? signature = null) => PostAsync(System.Text.Encoding.UTF8.GetBytes(body), signature);

    /// <summary>
    /// Runs the delivery function over every visible message, as the host's queue listener does, until
    /// <paramref name="done"/> holds or the time runs out. Returns the number of invocations.
    /// </summary>
    public Task<int> DeliverUntilAsync(Func<bool> done, TimeSpan timeout) => DeliverUntilAsync(() => Task.FromResult(done()), timeout);

    /// <summary>As <see cref="DeliverUntilAsync(Func{bool}, TimeSpan)"/>, for a condition that reads storage.</summary>
    public async Task<int> DeliverUntilAsync(Func<Task<bool>> done, TimeSpan timeout)
    {
        var invocations = 0;
        var deadline = DateTime.UtcNow + timeout;
        while (!await done() && DateTime.UtcNow < deadline)
        {
            var messages = (await Events.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value;
            if (messages.Length == 0)
            {
                await Task.Delay(100);
                continue;
            }

            foreach (var message in messages)
            {
                invocations++;
                await InvokeDeliveryAsync(message);
            }
        }

        return invocations;
    }

    /// <summary>Delivers what is visible now, until the queue shows nothing for a moment.</summary>
    public async Task<int> DeliverVisibleAsync()
    {
        var invocations = 0;
        while (true)
        {
            var messages = (await Events.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value;
            if (messages.Length == 0)
            {
                return invocations;
            }

            foreach (var message in messages)
            {
                invocations++;
                await InvokeDeliveryAsync(message);
            }
        }
    }

    private async Task InvokeDeliveryAsync(QueueMessage message)
    {
        try
        {
            await Invocation("DeliverEvents", () => Create<DeliveryFunction>().Run(message, CancellationToken.None));
        }
        catch (Exception ex) when (ex is not AssertionException)
        {
            // The host leaves a failed message to reappear; tests see the failure through the queues and logs.
            TestContext.Out.WriteLine($"delivery invocation failed: {ex.GetType().Name}: {ex.Message}");
            return;
        }

        await Events.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    /// <summary>
    /// Calls a dead-letter endpoint the way the host routes it; <paramref name="path"/> is what follows <c>/api/</c>.
    /// Returns the status and the JSON answer (null when it has none).
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonDocument? Json)> ApiAsync(string method, string path, string? body = null, IDictionary<string, string>? headers = null)
    {
        var url = new Uri("http://localhost:7071/api/" + path);
        var request = new FakeHttpRequestData(new FakeFunctionContext(Services), method, url, body is null ? null : System.Text.Encoding.UTF8.GetBytes(body), headers);
        var segments = url.AbsolutePath["/api/".Length..].Split('/');
        var (list, jobs, erasures) = (Create<DeadLettersFunction>(), Create<DeadLetterJobsFunction>(), Create<ErasuresFunction>());
        var response = (FakeHttpResponseData)((method, segments) switch
        {
            ("GET", ["dead-letters"]) => await list.List(request, CancellationToken.None),
            ("GET", ["dead-letters", "count"]) => await list.Count(request, CancellationToken.None),
            ("GET", ["dead-letters", "events", var id]) => await list.Show(request, Uri.UnescapeDataString(id), CancellationToken.None),
            ("GET", ["dead-letters", "jobs", var id]) => await jobs.Show(request, id, CancellationToken.None),
            ("POST", ["dead-letters", "replay"]) => await jobs.Replay(request, CancellationToken.None),
            ("POST", ["dead-letters", "purge"]) => await jobs.Purge(request, CancellationToken.None),
            ("POST", ["erasures"]) => await erasures.Start(request, CancellationToken.None),
            ("POST", ["erasures", "lift"]) => await erasures.Lift(request, CancellationToken.None),
            ("GET", ["erasures", var id]) => await erasures.Show(request, id, CancellationToken.None),
            ("GET", ["console", "summary"]) => await Create<ConsoleFunction>().Summary(request, CancellationToken.None),
            _ => throw new ArgumentException($"no route for {method} {path}", nameof(path)),
        });
        var text = response.ReadBody();
        return (response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text));
    }

    /// <summary>
    /// Runs every visible piece of every dead-letter job, as the host's <c>RunDeadLetterJob</c> trigger would: a piece
    /// that throws is tried again (here at once rather than after the visibility timeout), and after
    /// <see cref="MaxDequeueCount"/> tries moved to <c>deadletter-jobs-poison</c>.
    /// </summary>
    public async Task<int> RunJobsAsync()
    {
        var pieces = 0;
        while ((await Jobs.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                pieces++;
                try
                {
                    await Create<DeadLetterJobsFunction>().RunPiece(message.Body.ToString(), CancellationToken.None);
                }
                catch (Exception ex) when (ex is not AssertionException)
                {
                    TestContext.Out.WriteLine($"job piece failed (try {message.DequeueCount}): {ex.GetType().Name}: {ex.Message}");
                    if (message.DequeueCount >= MaxDequeueCount)
                    {
                        await JobsPoison.SendMessageAsync(message.Body);
                        await Jobs.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    }
                    else
                    {
                        await Jobs.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                    }

                    continue;
                }

                await Jobs.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        return pieces;
    }

    /// <summary>Runs every visible pass of every erasure, as the host's <c>RunErasure</c> trigger would (a failing pass throws here).</summary>
    public async Task<int> RunErasuresAsync()
    {
        var passes = 0;
        while ((await Erasures.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                passes++;
                await Create<ErasuresFunction>().RunPass(message.Body.ToString(), CancellationToken.None);
                await Erasures.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        return passes;
    }

    /// <summary>Runs the host's <c>FailDeadLetterJob</c> trigger over every message in <c>deadletter-jobs-poison</c>.</summary>
    public async Task FailPoisonedJobsAsync()
    {
        while ((await JobsPoison.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await Create<DeadLetterJobsFunction>().FailPiece(message.Body.ToString(), CancellationToken.None);
                await JobsPoison.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    /// <summary>Every stored dead letter, with its event.</summary>
    public async Task<List<StoredDeadLetter>> DeadLettersAsync()
    {
        var store = Services.GetRequiredService<DeadLetterStore>();
        var all = new List<StoredDeadLetter>();
        string? next = null;
        do
        {
            (var page, next) = await store.ListAsync(1000, next, withBody: true, CancellationToken.None);
            all.AddRange(page);
        }
        while (next is not null);

        return all;
    }

    /// <summary>Tests share one Azurite: a pause one of them caused must not slow the next.</summary>
    private async Task ResetBudgetAsync()
    {
        var table = Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(BudgetTable.TableName);
        await table.CreateIfNotExistsAsync();
        try
        {
            await table.DeleteEntityAsync("budget", BudgetTable.Fingerprint(ApiKey));
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private async Task ClearDeadLettersAsync()
    {
        var store = Services.GetRequiredService<DeadLetterStore>();
        foreach (var stored in await DeadLettersAsync())
        {
            await store.DeleteAsync(stored, CancellationToken.None);
        }
    }

    /// <summary>Runs the poison function over what the host would hand it: every message in <c>segment-events-poison</c>.</summary>
    public async Task AdoptPoisonAsync()
    {
        while ((await Poison.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await Create<PoisonFunction>().Run(message, CancellationToken.None);
                await Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    public async Task<IReadOnlyList<PeekedMessage>> PeekAllAsync(QueueClient queue) =>
        (await queue.PeekMessagesAsync(32)).Value;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
