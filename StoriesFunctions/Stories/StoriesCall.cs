namespace StoriesFunctions.Stories;

public enum StoriesEndpoint
{
    Users,
    Events,
}

/// <summary>One request to make to Stories: which endpoint, and the JSON body.</summary>
public sealed record StoriesCall(StoriesEndpoint Endpoint, ReadOnlyMemory<byte> Body)
{
    public string Path => Endpoint == StoriesEndpoint.Users ? "users" : "events";
}

/// <summary>
/// The Stories requests for one Segment event: with Sync Users an identify also upserts the user, and that call
/// goes first so that the event lands on an up-to-date profile.
/// </summary>
public sealed record StoriesMapping(StoriesCall? User, StoriesCall Event, string? Error)
{
    public bool IsValid => Error is null;

    public static StoriesMapping Invalid(string error) => new(null, new StoriesCall(StoriesEndpoint.Events, ReadOnlyMemory<byte>.Empty), error);
}
