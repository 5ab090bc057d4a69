using Microsoft.Extensions.Options;

namespace StoriesFunctions.Delivery;

/// <summary>
/// When to try again after a transient failure: <c>InitialRetryDelay × 3^(attempt-1)</c>, capped at
/// <c>MaxRetryDelay</c>, with ±20 % jitter so that many stalled messages do not return at once. A longer
/// <c>Retry-After</c> from Stories wins, up to <c>MaxRetryDelay</c> too: the one place that caps it, so that no wait
/// outgrows what a queue message can be hidden for. With the defaults (30 s, 1 h, 10 attempts) the waits add up to
/// about five hours, at least four with the worst jitter: longer than Segment's own four-hour retry window.
/// </summary>
public sealed class RetrySchedule(IOptions<DeliveryOptions> options)
{
    private const double Growth = 3;
    private const double Jitter = 0.2;
    private readonly DeliveryOptions _options = options.Value;

    public int MaxAttempts => _options.MaxAttempts;

    /// <summary>The longest wait: also the cadence at which a refused configuration is tried again.</summary>
    public TimeSpan MaxDelay => _options.MaxRetryDelay;

    /// <summary>The delay before the next attempt, after <paramref name="attempt"/> (1-based) has failed.</summary>
    /// <param name="random">A number in [0, 1): 0.5 gives the delay without jitter.</param>
    public TimeSpan DelayAfter(int attempt, TimeSpan? retryAfter, double random)
    {
        var nominal = BaseDelay(attempt);
        var jittered = nominal * (1 - Jitter + (2 * Jitter * random));
        if (jittered > _options.MaxRetryDelay)
        {
            jittered = _options.MaxRetryDelay;
        }

        if (retryAfter > _options.MaxRetryDelay)
        {
            retryAfter = _options.MaxRetryDelay;
        }

        return retryAfter > jittered ? retryAfter.Value : jittered;
    }

    /// <summary>
    /// The retry window: the longest the schedule's attempts can take with the worst jitter. An event's retries are
    /// counted from its first attempt, or from when it was first held behind its user's failing event, so a user's
    /// held events share one window instead of each starting a fresh one after the event ahead fails.
    /// </summary>
    public TimeSpan Window
    {
        get
        {
            var nominal = TimeSpan.Zero;
            for (var attempt = 1; attempt < _options.MaxAttempts; attempt++)
            {
                nominal += BaseDelay(attempt);
            }

            return nominal * (1 + Jitter);
        }
    }

    /// <summary>Whether the retry window that began at <paramref name="firstAttemptAt"/> has run out.</summary>
    public bool IsPastWindow(DateTimeOffset? firstAttemptAt, DateTimeOffset now) => firstAttemptAt is { } first && now - first >= Window;

    /// <summary>
    /// The wait after our own storage failed (<paramref name="stalls"/> times before, in a row): 5 s doubling to 1 min,
    /// jittered, so delivery resumes within about a minute of storage coming back. Uses no attempt: an outage of ours
    /// is never the event's failure, however long it lasts.
    /// </summary>
    public static TimeSpan StorageDelay(int stalls, double random)
    {
        var seconds = Math.Min(5 * Math.Pow(2, Math.Clamp(stalls, 0, 10)), 60);
        return TimeSpan.FromSeconds(seconds * (1 - Jitter + (2 * Jitter * random)));
    }

    /// <summary>The delay without jitter: the schedule as documented.</summary>
    public TimeSpan BaseDelay(int attempt)
    {
        var seconds = _options.InitialRetryDelay.TotalSeconds * Math.Pow(Growth, Math.Max(attempt - 1, 0));
        return seconds >= _options.MaxRetryDelay.TotalSeconds ? _options.MaxRetryDelay : TimeSpan.FromSeconds(seconds);
    }
}
