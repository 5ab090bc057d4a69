using System.Text.Json;

namespace StoriesFunctions.Erasure;

/// <summary>
/// A message in <c>erasure-jobs</c>: the job, the user it erases, and which pass runs. Pass 1 suppresses the user, purges
/// their dead letters and deletes them in Stories; pass 2, once every post that could have missed the suppression is over
/// (<see cref="ErasureRunner.ConfirmDelay"/>), does the last two again.
/// </summary>
public sealed record ErasureStep(string JobId, string UserId, int Pass)
{
    public const int LastPass = 2;

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object> { ["job"] = JobId, ["userId"] = UserId, ["pass"] = Pass });

    public static ErasureStep Parse(string message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        return new ErasureStep(root.GetProperty("job").GetString()!, root.GetProperty("userId").GetString()!, root.GetProperty("pass").GetInt32());
    }

    /// <summary>The job a message names, for a poisoned one: without reading anything else of it.</summary>
    public static string? JobIdOf(string message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            return document.RootElement.TryGetProperty("job", out var job) ? job.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
