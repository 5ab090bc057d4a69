using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Segment;

/// <summary>Says at start-up, explicitly, when webhook signatures are not being checked.</summary>
internal sealed class StartupChecks(SignatureVerifier signatures, ILogger<StartupChecks> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!signatures.IsConfigured)
        {
            Log.SharedSecretMissing(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
