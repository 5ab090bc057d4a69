using System.Text.Json.Serialization;

namespace StoriesFunctions.Tests.Costs;

/// <summary>One function execution as the host recorded it: which function, on which instance, from when, for how long.</summary>
/// <param name="Instance">The host instance it ran on (the recorder's instance id). With <see cref="Trigger"/> it names the
/// instance Flex Consumption bills: see <see cref="ScaleGroups"/>.</param>
public sealed record Invocation(string Function, Trigger Trigger, string Instance, DateTimeOffset Start, TimeSpan Duration)
{
    [JsonIgnore]
    public DateTimeOffset End => Start + Duration;
}

/// <summary>The trigger of a function, as far as billing cares: it decides the per-function scale group.</summary>
public enum Trigger
{
    Http,
    Queue,
    Timer,
    Blob,
    Durable,

    /// <summary>Any other trigger (Event Hubs, Service Bus, ...): scaled on instances of its own, like a queue trigger.</summary>
    Other,
}
