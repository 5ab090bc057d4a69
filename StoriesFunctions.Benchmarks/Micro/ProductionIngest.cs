using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Erasure;
using StoriesFunctions.Segment;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Benchmarks.Micro;

/// <summary>
/// The production <see cref="WebhookIngest"/> with the production settings' defaults, its queue client answered in
/// memory (<see cref="CannedQueueHandler"/>) and its logs formatted by a sink at the worker's default level.
/// </summary>
internal static class ProductionIngest
{
    public static WebhookIngest Create() => Create(out _);

    /// <summary>The ingest, and the queue it writes through (for the ready-made writes it is compared with).</summary>
    public static WebhookIngest Create(out EventQueue queue)
    {
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Transport = new HttpClientTransport(new HttpClient(new CannedQueueHandler())) };
        queueOptions.Retry.MaxRetries = 0;
        queue = new EventQueue(new QueueServiceClient("UseDevelopmentStorage=true", queueOptions));
        var segment = Options.Create(new SegmentOptions { SharedSecret = SampleEvents.SharedSecret });
        var metrics = new ServiceCollection().AddMetrics().AddSingleton<ForwarderMetrics>().BuildServiceProvider().GetRequiredService<ForwarderMetrics>();
        var logs = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(new FormattingSink()));
        var tableOptions = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(new CannedTableHandler())) };
        tableOptions.Retry.MaxRetries = 0;
        var erased = new ErasedUsers(
            new TableServiceClient("UseDevelopmentStorage=true", tableOptions),
            new UserHash(Options.Create(new ErasureOptions { HashKey = "benchmark-erasure-hash-key-0123456789" })),
            TimeProvider.System);
        return new WebhookIngest(
            new SignatureVerifier(segment), queue, erased, segment, Options.Create(new TelemetryOptions()), metrics, TimeProvider.System, logs.CreateLogger<WebhookIngest>());
    }

    /// <summary>Formats every line it is given, as a real sink must, and keeps only the count of characters.</summary>
    private sealed class FormattingSink : ILoggerProvider, ILogger
    {
        public long Characters;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Interlocked.Add(ref Characters, formatter(state, exception).Length);

        public void Dispose()
        {
        }
    }
}
