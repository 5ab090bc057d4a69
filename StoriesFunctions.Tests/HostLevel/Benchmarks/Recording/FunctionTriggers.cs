using System.Text.Json;
using StoriesFunctions.Tests.Costs;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// Each function's trigger, as the billing model knows triggers, and the queues the triggers poll, read from the
/// build's <c>functions.metadata</c>, as the host reads them: nothing here knows today's functions.
/// </summary>
internal sealed class FunctionTriggers
{
    private readonly Dictionary<string, Trigger> triggers;

    private FunctionTriggers(Dictionary<string, Trigger> triggers, IReadOnlyList<string> queues)
    {
        this.triggers = triggers;
        Queues = queues;
    }

    /// <summary>The queues named by queue triggers: a deployment declares them (infra/), so they exist before the host starts.</summary>
    public IReadOnlyList<string> Queues { get; }

    public static FunctionTriggers Read(string appDirectory) =>
        Parse(File.ReadAllText(Path.Combine(appDirectory, "functions.metadata")));

    public static FunctionTriggers Parse(string metadataJson)
    {
        using var metadata = JsonDocument.Parse(metadataJson);
        var triggers = new Dictionary<string, Trigger>(StringComparer.Ordinal);
        var queues = new List<string>();
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                string type = binding.GetProperty("type").GetString() ?? string.Empty;
                if (!type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                triggers[function.GetProperty("name").GetString()!] = OfBinding(type);
                if (binding.TryGetProperty("queueName", out var queue) && queue.GetString() is { } name && !name.Contains('%', StringComparison.Ordinal))
                {
                    queues.Add(name);
                }
            }
        }

        return new FunctionTriggers(triggers, queues.Distinct().ToList());
    }

    /// <summary>
    /// A trigger binding's type (<c>httpTrigger</c>, <c>queueTrigger</c>, …) as the billing model's trigger, which
    /// decides the scale group: the durable triggers are one group, and any trigger the model does not name is
    /// <see cref="Trigger.Other"/>, scaled alone like a queue trigger.
    /// </summary>
    public static Trigger OfBinding(string bindingType) => bindingType.ToUpperInvariant() switch
    {
        "HTTPTRIGGER" => Trigger.Http,
        "QUEUETRIGGER" => Trigger.Queue,
        "TIMERTRIGGER" => Trigger.Timer,
        "BLOBTRIGGER" => Trigger.Blob,
        "ORCHESTRATIONTRIGGER" or "ACTIVITYTRIGGER" or "ENTITYTRIGGER" => Trigger.Durable,
        _ => Trigger.Other,
    };

    /// <summary>The trigger of <paramref name="function"/>, which the host ran, so the build declares it.</summary>
    public Trigger Of(string function) =>
        triggers.TryGetValue(function, out var trigger)
            ? trigger
            : throw new InvalidOperationException($"The host ran '{function}', which functions.metadata does not declare.");
}
