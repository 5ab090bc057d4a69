using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StoriesFunctions.Functions;

namespace StoriesFunctions.Tests.Functions;

/// <summary>The real container, built from the app's own registrations with scope and build validation.</summary>
public class CompositionTests
{
    private static Dictionary<string, string?> Settings() => new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["Stories:ApiKey"] = "key",
        ["Segment:SharedSecret"] = "secret",
        ["Erasure:HashKey"] = "composition-erasure-hash-key-0123456789",
    };

    [Test]
    public async Task Build_WithTheRequiredSettings_ResolvesEveryFunction()
    {
        using var host = Forwarder.Build(Settings());
        await host.StartAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ActivatorUtilities.CreateInstance<SegmentWebhookFunction>(host.Services), Is.Not.Null);
            Assert.That(ActivatorUtilities.CreateInstance<DeliveryFunction>(host.Services), Is.Not.Null);
            Assert.That(ActivatorUtilities.CreateInstance<DeadLettersFunction>(host.Services), Is.Not.Null);
        });
        await host.StopAsync();
    }

    [Test]
    public void Start_WithoutApiKey_RefusesNamingTheSetting()
    {
        var settings = Settings();
        settings.Remove("Stories:ApiKey");
        using var host = Forwarder.Build(settings);

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Stories__ApiKey"));
    }

    [TestCase("Delivery:MaxAttempts", "0")]
    [TestCase("Delivery:MaxRetryDelay", "30.00:00:00")]
    [TestCase("Stories:MaxRequestsPerSecond", "-1")]
    [TestCase("Stories:RateLimit", "300 a minute")]
    [TestCase("Segment:MaxBodyBytes", "10")]
    [TestCase("Erasure:HashKey", "too-short")]
    public void Start_WithAnInvalidSetting_Refuses(string key, string value)
    {
        var settings = Settings();
        settings[key] = value;
        using var host = Forwarder.Build(settings);

        Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Test]
    public void Start_WithoutSharedSecret_RefusesNamingBothSettings()
    {
        var settings = Settings();
        settings.Remove("Segment:SharedSecret");
        using var host = Forwarder.Build(settings);

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Segment__SharedSecret").And.Contain("Segment__AllowUnsignedCalls"));
    }

    [Test]
    public async Task Start_UnsignedCallsAllowed_StartsAndWarnsExplicitly()
    {
        var settings = Settings();
        settings.Remove("Segment:SharedSecret");
        settings["Segment:AllowUnsignedCalls"] = "true";
        using var host = Forwarder.Build(settings);

        await host.StartAsync();

        var warning = StartupWarning(host);
        Assert.That(warning.Message, Does.Contain("Segment__SharedSecret is not set"));
        await host.StopAsync();
    }

    [Test]
    public async Task Start_SecondSecretSet_WarnsThatBothAreAccepted()
    {
        var settings = Settings();
        settings["Segment:SecondSharedSecret"] = "next-secret";
        using var host = Forwarder.Build(settings);

        await host.StartAsync();

        Assert.That(StartupWarning(host).Message, Does.Contain("Segment__SecondSharedSecret is set"));
        await host.StopAsync();
    }

    [TestCase("Segment:SignatureScope", "whole")]
    [TestCase("Segment:SharedSecret", "")]
    public void Start_WithAnInvalidSignatureSetting_Refuses(string key, string value)
    {
        var settings = Settings();
        settings[key] = value;
        settings["Segment:SecondSharedSecret"] = "next-secret";
        using var host = Forwarder.Build(settings);

        Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private static Microsoft.Extensions.Logging.Testing.FakeLogRecord StartupWarning(IHost host)
    {
        var warning = host.Services.GetRequiredService<Microsoft.Extensions.Logging.Testing.FakeLogCollector>().GetSnapshot()
            .Single(l => l.Category == "StoriesFunctions.Segment.StartupChecks");
        Assert.That(warning.Level, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
        return warning;
    }

    [Test]
    public void ProgramsBuilder_WithApplicationInsightsAndOtlp_BuildsAndResolvesEveryFunction()
    {
        // What Program.cs does, including the isolated worker's Application Insights packages and the opt-in OTLP export
        // beside them (a wrong version of those fails here with a TypeLoadException rather than at start-up in Azure).
        var builder = Microsoft.Azure.Functions.Worker.Builder.FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // What the Functions host passes its worker; nothing listens there, and the host is built, not started.
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
            ["Functions:Worker:WorkerId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:RequestId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:GrpcMaxMessageLength"] = "2147483647",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
        });
        builder.AddApplicationInsights();
        builder.AddOtlpExport();
        builder.AddStoriesForwarder();

        using var host = builder.Build();

        Assert.Multiple(() =>
        {
            Assert.That(ActivatorUtilities.CreateInstance<SegmentWebhookFunction>(host.Services), Is.Not.Null);
            Assert.That(ActivatorUtilities.CreateInstance<DeliveryFunction>(host.Services), Is.Not.Null);
            Assert.That(ActivatorUtilities.CreateInstance<DeadLettersFunction>(host.Services), Is.Not.Null);
            Assert.That(host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name), Does.Contain("ApplicationInsightsMetrics"));
            Assert.That(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>(), Is.Not.Null, "OTLP export registered");
        });
    }
}
