using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace StoriesFunctions;

internal static class OtlpRegistration
{
    /// <summary>The standard OpenTelemetry setting: the collector's base address. Unset, nothing is registered.</summary>
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Opt-in, for a backend other than Application Insights: when <see cref="EndpointSetting"/> is set, the worker's logs
    /// (with the levels and filters Application Insights gets) and the forwarder's metrics also go to that collector
    /// over OTLP. Application Insights stays as it is, and so does the host: the worker does not announce OpenTelemetry
    /// to it (no <c>UseFunctionsWorkerDefaults</c>), so the host keeps its own telemetry, <c>host.json</c>'s sampling
    /// included. No traces and no sampler: a log record is exported or filtered by level, never sampled. Why not the
    /// worker's full OpenTelemetry path: docs/performance.md, "Telemetry: OpenTelemetry evaluated (issue 20)".
    /// </summary>
    public static IHostApplicationBuilder AddOtlpExport(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointSetting]))
        {
            return builder;
        }

        // The exporter reads OTEL_EXPORTER_OTLP_PROTOCOL (grpc unless set to http/protobuf) and _HEADERS itself.
        var service = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Configuration["WEBSITE_SITE_NAME"] ?? "StoriesFunctions";
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(service))
            .WithLogging(logging => logging.AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddMeter(Telemetry.ForwarderMetrics.MeterName).AddOtlpExporter());
        return builder;
    }
}
