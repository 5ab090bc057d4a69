using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StoriesFunctions;

internal static class ApplicationInsightsRegistration
{
    private const string ApplicationInsightsProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>
    /// Application Insights from the worker itself (WorkerService 2.23.0: 3.x breaks the isolated worker). Its
    /// default filter keeps only warnings; removed, so that the per-event Information logs reach the traces table.
    /// </summary>
    public static FunctionsApplicationBuilder AddApplicationInsights(this FunctionsApplicationBuilder builder)
    {
        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights();
        builder.Services.AddHostedService<Telemetry.ApplicationInsightsMetrics>();
        builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == ApplicationInsightsProvider);
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });
        return builder;
    }
}
