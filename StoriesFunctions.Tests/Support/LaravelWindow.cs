namespace StoriesFunctions.Tests.Support;

/// <summary>
/// Stories' rate limit as Laravel's throttle enforces it (<c>Illuminate\Cache\RateLimiter</c>): one fixed window per key
/// that starts at the first call after the last window ended; a call beyond the limit is refused with 429 and
/// <c>Retry-After</c> in whole seconds until the window ends (and does not count); every answer carries
/// <c>X-RateLimit-Limit</c> and <c>X-RateLimit-Remaining</c>. Used by the HTTP stand-in and by the simulation.
/// </summary>
public sealed class LaravelWindow(int limit, TimeSpan window)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _windowEnds = DateTimeOffset.MinValue;
    private int _hits;

    public int Limit { get; } = limit;

    public TimeSpan Window { get; } = window;

    /// <summary>Calls let through.</summary>
    public long Allowed { get; private set; }

    /// <summary>Calls refused with 429.</summary>
    public long Refused { get; private set; }

    /// <summary>A call arriving at <paramref name="now"/>: let through, or refused until the window ends.</summary>
    public (bool Allowed, int Remaining, TimeSpan? RetryAfter) Hit(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (now >= _windowEnds)
            {
                // Laravel keeps its timer in whole seconds: the window ends on a second boundary.
                _windowEnds = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) + Window;
                _hits = 0;
            }

            if (_hits >= Limit)
            {
                Refused++;
                var seconds = Math.Max((long)Math.Ceiling((_windowEnds - now).TotalSeconds), 0);
                return (false, 0, TimeSpan.FromSeconds(seconds));
            }

            _hits++;
            Allowed++;
            return (true, Limit - _hits, null);
        }
    }
}
