using System.Net.Http.Headers;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace StoriesFunctions.Stories;

/// <summary>
/// Registers the typed <see cref="StoriesClient"/> and its Polly pipeline. Outer to inner: a total timeout; quick
/// retries (jittered exponential backoff, <c>Retry-After</c> honoured when short) on what
/// <see cref="StoriesFailures"/> calls transient; an optional per-instance rate limit; a per-attempt timeout.
/// Longer waits are the queue's job (<c>RetrySchedule</c>), not this pipeline's.
/// </summary>
public static class StoriesResilience
{
    public static IServiceCollection AddStoriesClient(this IServiceCollection services)
    {
        services.AddHttpClient<StoriesClient>((provider, http) =>
            {
                var options = provider.GetRequiredService<IOptions<StoriesOptions>>().Value;
                http.BaseAddress = WithTrailingSlash(options.BaseUrl);
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                http.DefaultRequestHeaders.UserAgent.ParseAdd("StoriesFunctions/1.0");
                http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts govern
            })
            // The client lives in singletons: one long-lived handler whose pooled connections are renewed (so DNS
            // changes are seen) instead of the factory's handler rotation, which a captured client never sees.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("stories", (pipeline, context) =>
                Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<StoriesOptions>>().Value));
        return services;
    }

    /// <summary>A base URL without a trailing slash would drop its last segment when joined with "events".</summary>
    public static Uri WithTrailingSlash(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    internal static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, StoriesOptions options)
    {
        pipeline.AddTimeout(options.TotalTimeout);
        if (options.QuickRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.QuickRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.QuickRetryDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetryQuickly(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? StoriesClient.RetryAfter(response.Headers.RetryAfter) : null),
            });
        }

        if (options.MaxRequestsPerSecond > 0)
        {
            pipeline.AddRateLimiter(PerSecond(options.MaxRequestsPerSecond));
        }

        pipeline.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>Transient failures are retried here unless Stories asks for a wait longer than we hold a message for.</summary>
    internal static bool ShouldRetryQuickly(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => StoriesFailures.Classify(response.StatusCode) == FailureKind.Transient
            && !(StoriesClient.RetryAfter(response.Headers.RetryAfter) > StoriesOptions.MaxInProcessWait),
        _ => false,
    };

    private static TokenBucketRateLimiter PerSecond(double perSecond)
    {
        // Fractional rates (e.g. 2.5/s) become one token every 1/rate seconds.
        var whole = perSecond >= 1;
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = whole ? (int)perSecond : 1,
            TokensPerPeriod = whole ? (int)perSecond : 1,
            ReplenishmentPeriod = whole ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1 / perSecond),
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
