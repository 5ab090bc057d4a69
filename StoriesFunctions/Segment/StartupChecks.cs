using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Segment;

/// <summary>
/// Says at start-up, explicitly, when webhook signatures are not being checked (allowed only by
/// <c>Segment__AllowUnsignedCalls</c>: without it and without a secret the options validator refuses to start) and
/// while a second secret is accepted.
/// </summary>
internal sealed class StartupChecks(SignatureVerifier signatures, ILogger<StartupChecks> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!signatures.IsConfigured)
        {
            Log.SharedSecretMissing(logger);
        }
        else if (signatures.IsRotating)
        {
            Log.SecondSecretAccepted(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
