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
    [TestCase("Segment:MaxBodyBytes", "10")]
    public void Start_WithAnInvalidSetting_Refuses(string key, string value)
    {
        var settings = Settings();
        settings[key] = value;
        using var host = Forwarder.Build(settings);

        Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Test]
    public async Task Start_WithoutSharedSecret_WarnsExplicitly()
    {
        using var host = Forwarder.Build(Settings());

        await host.StartAsync();

        var warning = host.Services.GetRequiredService<Microsoft.Extensions.Logging.Testing.FakeLogCollector>().GetSnapshot()
            .Single(l => l.Category == "StoriesFunctions.Segment.StartupChecks");
        Assert.That(warning.Level, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain("Segment__SharedSecret is not set"));
        await host.StopAsync();
    }
}
