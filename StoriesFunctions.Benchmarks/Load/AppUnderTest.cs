using System.Globalization;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Delivery;
using StoriesFunctions.Functions;
using StoriesFunctions.Tests.Support;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>
/// The app's real DI container (as the integration tests' <c>Forwarder.Build</c> makes it) on Azurite and the
/// stand-in. Logging has no sink: what a log exporter costs is the exporter's, not the app's.
/// </summary>
internal sealed class AppUnderTest : IAsyncDisposable
{
    private readonly IHost _host;

    private AppUnderTest(IHost host, string storage)
    {
        _host = host;
        Events = new QueueClient(storage, QueueNames.Events, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    public IServiceProvider Services => _host.Services;

    /// <summary><c>segment-events</c>, with the host's base64 encoding: what the lower bounds write to.</summary>
    public QueueClient Events { get; }

    public static async Task<AppUnderTest> StartAsync(LocalServices services)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = services.StorageConnectionString,
            ["Segment:SharedSecret"] = SampleEvents.SharedSecret,
            ["Stories:ApiKey"] = "benchmark-api-key-0123456789",
            ["Erasure:HashKey"] = "benchmark-erasure-hash-key-0123456789",
            ["Stories:BaseUrl"] = services.Stories.BaseUrl.AbsoluteUri,

            // Delivery is measured against the I/O it does, not against Stories' limit: without this, the budget would
            // learn the stand-in's 300 a minute and pace every loop to 5 calls a second.
            ["Stories:RateLimit"] = "100000/1s",
        });
        services.Stories.RateLimit = new LaravelWindow(100_000, TimeSpan.FromSeconds(1)); // its headers agree
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Information);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.AddStoriesForwarder();
        var host = builder.Build();
        await host.StartAsync();
        var app = new AppUnderTest(host, services.StorageConnectionString);
        await app.Events.CreateIfNotExistsAsync();
        return app;
    }

    /// <summary>POSTs a signed body to the webhook function as the host would; returns the status code.</summary>
    public async Task<int> PostAsync(byte[] body, string signature)
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["X-Signature"] = signature,
            ["Content-Length"] = body.Length.ToString(CultureInfo.InvariantCulture),
        };
        var request = new FakeHttpRequestData(new FakeFunctionContext(Services), "POST", new Uri("http://localhost:7071/api/segment"), body, headers);
        // The host activates the function class per invocation, as here.
        var function = ActivatorUtilities.CreateInstance<SegmentWebhookFunction>(Services);
        var response = await function.Run(request, CancellationToken.None);
        return (int)response.StatusCode;
    }

    public async Task<int> QueuedMessagesAsync() => (await Events.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
