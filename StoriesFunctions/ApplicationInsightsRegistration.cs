using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.ApplicationInsights.WorkerService;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StoriesFunctions;

internal static class ApplicationInsightsRegistration
{
    private const string ApplicationInsightsProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>Dependencies kept per second and instance, at most: the rest are sampled away (with their counts kept).</summary>
    public const double DependenciesPerSecond = 5;

    private static readonly string[] NoisyCategories = ["System.Net.Http.HttpClient", "Azure.Core", "Azure.Storage", "Azure.Data", "Azure.Identity", "Polly", "Microsoft.Extensions.Http"];

    public static FunctionsApplicationBuilder AddApplicationInsights(this FunctionsApplicationBuilder builder)
    {
        builder.Services.AddForwarderApplicationInsights();
        return builder;
    }

    /// <summary>
    /// Application Insights from the worker itself (WorkerService 2.23.0: 3.x breaks the isolated worker), designed for
    /// its cost:
    /// <list type="bullet">
    /// <item>Its default adaptive sampling is off: it samples traces and exceptions too, and a failure must always be
    /// traceable. In its place, sampling of dependencies only (every Stories, table and queue call is one), at most
    /// <see cref="DependenciesPerSecond"/> a second; traces, exceptions, requests and events are never sampled.</item>
    /// <item>Its default filter keeps only warnings; removed, so that Information traces (failures that are not errors,
    /// summaries, the backlog) reach the traces table. Per-event successes log at Debug unless
    /// <c>Telemetry__EventTraces</c> is on.</item>
    /// </list>
    /// </summary>
    public static IServiceCollection AddForwarderApplicationInsights(this IServiceCollection services)
    {
        services
            .AddApplicationInsightsTelemetryWorkerService(new ApplicationInsightsServiceOptions { EnableAdaptiveSampling = false })
            .ConfigureFunctionsApplicationInsights();
        services.Configure<TelemetryConfiguration>(configuration =>
        {
            var chain = configuration.DefaultTelemetrySink.TelemetryProcessorChainBuilder;
            chain.UseAdaptiveSampling(DependenciesPerSecond, excludedTypes: "Trace;Exception;Request;Event;PageView");
            chain.Build();
        });
        services.AddHostedService<Telemetry.ApplicationInsightsMetrics>();
        services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == ApplicationInsightsProvider);
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }

            // host.json's log levels govern the host, not this worker: the libraries' per-request lines (HttpClient's
            // four per call, the Azure SDK's per request, Polly's per attempt) are kept to warnings here, as there.
            foreach (var noisy in NoisyCategories)
            {
                options.Rules.Add(new LoggerFilterRule(null, noisy, LogLevel.Warning, null));
            }
        });
        return services;
    }
}
