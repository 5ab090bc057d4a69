using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Operators;

/// <summary>Says at start-up how operators are let in, and when nobody is (an operator endpoint then answers 503).</summary>
internal sealed class OperatorStartupCheck(OperatorAccess access, IOptions<OperatorOptions> options, ILogger<OperatorStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.LocalDevelopment && access.InAzure)
        {
            Log.LocalDevelopmentIgnored(logger);
        }

        if (access.IsLocal)
        {
            Log.OperatorsLocal(logger);
        }
        else if (!options.Value.IsConfigured)
        {
            Log.OperatorsNotConfigured(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
