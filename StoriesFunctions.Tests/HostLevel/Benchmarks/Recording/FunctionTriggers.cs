using System.Text.Json;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// Each function's trigger (<c>http</c>, <c>queue</c>, <c>timer</c>, …) and the queues the triggers poll, read from the
/// build's <c>functions.metadata</c>, as the host reads them: nothing here knows today's functions.
/// </summary>
internal sealed class FunctionTriggers
{
    private readonly Dictionary<string, string> triggers;

    private FunctionTriggers(Dictionary<string, string> triggers, IReadOnlyList<string> queues)
    {
        this.triggers = triggers;
        Queues = queues;
    }

    /// <summary>The queues named by queue triggers: a deployment declares them (infra/), so they exist before the host starts.</summary>
    public IReadOnlyList<string> Queues { get; }

    public static FunctionTriggers Read(string appDirectory)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(appDirectory, "functions.metadata")));
        var triggers = new Dictionary<string, string>(StringComparer.Ordinal);
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

                triggers[function.GetProperty("name").GetString()!] = type[..^"Trigger".Length].ToLowerInvariant();
                if (binding.TryGetProperty("queueName", out var queue) && queue.GetString() is { } name && !name.Contains('%', StringComparison.Ordinal))
                {
                    queues.Add(name);
                }
            }
        }

        return new FunctionTriggers(triggers, queues.Distinct().ToList());
    }

    /// <summary>The trigger of <paramref name="function"/>; <c>unknown</c> for a name the build does not hold.</summary>
    public string Of(string function) => triggers.GetValueOrDefault(function, "unknown");
}
