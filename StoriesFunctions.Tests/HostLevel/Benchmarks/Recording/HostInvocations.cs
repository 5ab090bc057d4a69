using System.Globalization;
using System.Text.RegularExpressions;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>An invocation as the host logged it; <see cref="Duration"/> is null while it has not ended.</summary>
internal sealed record HostInvocation(string Function, string Id, DateTimeOffset Start, TimeSpan? Duration, string? Outcome);

/// <summary>
/// Every invocation, read from the host's own lines: <c>Executing 'Functions.X' (Reason=…, Id=…)</c> when it starts
/// and <c>Executed 'Functions.X' (Succeeded, Id=…, Duration=12ms)</c> when it ends, whatever the trigger. Unlike
/// request telemetry, which host.json samples, these lines are complete. They are written at Information in the
/// <c>Function</c> category, which host.json keeps to warnings: <see cref="ConsoleSettings"/> raises it for the
/// console alone (Application Insights keeps host.json's level) and stamps each line with the host's UTC clock.
/// </summary>
internal static partial class HostInvocations
{
    /// <summary>Console-only logging settings: the telemetry the host sends is the same with or without them.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ConsoleSettings = new Dictionary<string, string?>
    {
        // A provider-specific level: only the console logger sees Function.* at Information.
        ["AzureFunctionsJobHost__logging__Console__LogLevel__Function"] = "Information",

        // The web host's console formatter (it writes the script host's lines too) reads the root Logging section.
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
    };

    public static IReadOnlyList<HostInvocation> Read(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var started = new Dictionary<string, HostInvocation>();
        foreach (string line in lines)
        {
            if (Line().Match(line) is not { Success: true } match || IdPattern().Match(match.Groups["rest"].Value) is not { Success: true } idMatch)
            {
                continue;
            }

            string id = idMatch.Groups[1].Value;
            var time = DateTimeOffset.Parse(match.Groups["time"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            string function = match.Groups["function"].Value;
            if (match.Groups["verb"].Value == "Executing")
            {
                started[id] = new HostInvocation(function, id, time, null, null);
            }
            else if (DurationPattern().Match(match.Groups["rest"].Value) is { Success: true } duration)
            {
                var elapsed = TimeSpan.FromMilliseconds(long.Parse(duration.Groups[1].Value, CultureInfo.InvariantCulture));
                string outcome = match.Groups["rest"].Value.Split(',')[0];

                // An end without its start (the start line lost) is placed where it must have begun.
                var start = started.TryGetValue(id, out var begun) ? begun.Start : time - elapsed;
                started[id] = new HostInvocation(function, id, start, elapsed, outcome);
            }
        }

        return [.. started.Values.OrderBy(i => i.Start)];
    }

    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) \w+: Function\.\S+ (?<verb>Executing|Executed) 'Functions\.(?<function>[^']+)' \((?<rest>.*)\)\s*$")]
    private static partial Regex Line();

    [GeneratedRegex(@"Id=([0-9a-fA-F-]{36})")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"Duration=(\d+)ms")]
    private static partial Regex DurationPattern();
}
