using Microsoft.ApplicationInsights.WorkerService;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StoriesFunctions;

internal static class ApplicationInsightsRegistration
{
    private const string ApplicationInsightsProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    internal static readonly string[] NoisyCategories = ["System.Net.Http.HttpClient", "Azure.Core", "Azure.Storage", "Azure.Data", "Azure.Identity", "Polly", "Microsoft.Extensions.Http"];

    public static FunctionsApplicationBuilder AddApplicationInsights(this FunctionsApplicationBuilder builder)
    {
        builder.Services.AddForwarderApplicationInsights();
        return builder;
    }

    /// <summary>
    /// Application Insights from the worker itself (WorkerService 2.23.0: 3.x breaks the isolated worker), designed for
    /// its cost:
    /// <list type="bullet">
    /// <item>Its adaptive sampling is off: it samples traces too, and a failure must always be traceable.</item>
    /// <item>Its dependency tracking is off: every Stories, table and queue call was one item, about 10 an event and
    /// 8.6 KB (docs/performance.md), nearly all of the bill. Stories' calls are counted and timed as pre-aggregated
    /// metrics instead (<c>storiesfunctions.stories.*</c>); a failing storage call still surfaces as an exception.</item>
    /// <item>The invocation dependency the Functions module records for every invocation, a copy of the host's request,
    /// is dropped unless it failed (<see cref="Telemetry.InvocationDependencyFilter"/>).</item>
    /// <item>Its default filter keeps only warnings; removed, so that Information traces (failures that are not errors,
    /// summaries, the backlog) reach the traces table. Per-event successes log at Debug unless
    /// <c>Telemetry__EventTraces</c> is on.</item>
    /// </list>
    /// </summary>
    public static IServiceCollection AddForwarderApplicationInsights(this IServiceCollection services)
    {
        services
            .AddApplicationInsightsTelemetryWorkerService(new ApplicationInsightsServiceOptions
            {
                EnableAdaptiveSampling = false,
                EnableDependencyTrackingTelemetryModule = false,
            })
            .ConfigureFunctionsApplicationInsights();
        services.AddApplicationInsightsTelemetryProcessor<Telemetry.InvocationDependencyFilter>();
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
