using Microsoft.Extensions.Options;

namespace StoriesFunctions.Stories;

/// <summary>How <c>data</c> is sent: Segment's doc shows an object; an older client says the API wants a JSON string.</summary>
public enum EventDataFormat
{
    Object,
    String,
}

/// <summary>Settings under <c>Stories__</c>.</summary>
public sealed class StoriesOptions
{
    public const string Section = "Stories";

    /// <summary>Required: the Stories API key, sent as <c>Authorization: Bearer</c>.</summary>
    public string ApiKey { get; set; } = string.Empty;

    public Uri BaseUrl { get; set; } = new("https://api.getstories.io/v1/");

    /// <summary>Also upsert the user (<c>/users</c>) for each identify, before its event.</summary>
    public bool SyncUsers { get; set; } = true;

    public EventDataFormat EventDataFormat { get; set; } = EventDataFormat.Object;

    /// <summary>
    /// The deployment's Stories rate limit, e.g. <c>300/1m</c>: all instances together stay under it. Empty: learn the
    /// limit from Stories' <c>X-RateLimit-Limit</c> header, over a one-minute window. Set, it wins over the header.
    /// </summary>
    public string? RateLimit { get; set; }

    /// <summary>Older setting, now deployment-wide: <c>5</c> means <c>Stories__RateLimit=5/1s</c>. Use RateLimit instead.</summary>
    public double MaxRequestsPerSecond { get; set; }

    /// <summary>The limit the operator set, if any: <see cref="RateLimit"/>, else the older per-second setting.</summary>
    public StoriesRateLimit? ConfiguredRateLimit =>
        StoriesRateLimit.TryParse(RateLimit, out var set) ? set
        : MaxRequestsPerSecond > 0 ? PerSecond(MaxRequestsPerSecond)
        : null;

    /// <summary>Time one HTTP attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Quick retries inside one invocation, before the event goes back to the queue with a longer delay.</summary>
    public int QuickRetries { get; set; } = 2;

    /// <summary>Base delay of the quick retries (exponential, jittered).</summary>
    public TimeSpan QuickRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A <c>Retry-After</c> up to this long is waited out in-process; a longer one goes back to the queue.</summary>
    public static readonly TimeSpan MaxInProcessWait = TimeSpan.FromSeconds(10);

    /// <summary>All attempts of one call together: well inside the host's five-minute function timeout.</summary>
    private static StoriesRateLimit PerSecond(double perSecond) => perSecond >= 1
        ? new((int)perSecond, TimeSpan.FromSeconds(1))
        : new(1, TimeSpan.FromSeconds(Math.Ceiling(1 / perSecond)));

    public TimeSpan TotalTimeout => (AttemptTimeout * (QuickRetries + 1)) + (MaxInProcessWait * QuickRetries);

    /// <summary>One call from start to end: its attempts (<see cref="TotalTimeout"/>), then reading the answer's body.</summary>
    public TimeSpan CallTimeout => TotalTimeout + AttemptTimeout;
}

internal sealed class StoriesOptionsValidator : IValidateOptions<StoriesOptions>
{
    public ValidateOptionsResult Validate(string? name, StoriesOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            errors.Add("Stories__ApiKey is required: set it to your Stories API key (app setting, local.settings.json or Key Vault reference).");
        }

        if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("https" or "http"))
        {
            errors.Add("Stories__BaseUrl must be an absolute http(s) URL, e.g. https://api.getstories.io/v1/.");
        }

        if (!string.IsNullOrWhiteSpace(options.RateLimit) && !StoriesRateLimit.TryParse(options.RateLimit, out _))
        {
            errors.Add("Stories__RateLimit must read calls/window, e.g. 300/1m, 20/2s or 1000/1h (a window of at most one day).");
        }

        if (options.MaxRequestsPerSecond < 0)
        {
            errors.Add("Stories__MaxRequestsPerSecond must be 0 (not set) or positive; prefer Stories__RateLimit, e.g. 300/1m.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.AttemptTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("Stories__AttemptTimeout must be between 0 and 1 minute (e.g. 00:00:10).");
        }

        if (options.QuickRetries is < 0 or > 5)
        {
            errors.Add("Stories__QuickRetries must be between 0 and 5.");
        }

        if (options.QuickRetryDelay < TimeSpan.Zero || options.QuickRetryDelay > TimeSpan.FromSeconds(10))
        {
            errors.Add("Stories__QuickRetryDelay must be between 0 and 10 seconds.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
