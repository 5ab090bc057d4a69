using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Stories;

/// <summary>
/// Registers the typed <see cref="StoriesClient"/> and its Polly pipeline. Outer to inner: a total timeout; quick
/// retries (jittered exponential backoff, <c>Retry-After</c> honoured when short) on what
/// <see cref="StoriesFailures"/> calls transient, except 429; a per-attempt timeout. Stories' rate limit is not this
/// pipeline's: the deployment-wide budget (<c>StoriesBudget</c>) paces every call, and a 429 pauses all instances
/// instead of being retried here. Longer waits are the queue's job (<c>RetrySchedule</c>).
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

        pipeline.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>
    /// Transient failures are retried here unless Stories asks for a wait longer than we hold a message for. A 429 is
    /// never retried here: one instance retrying would spend budget every other instance is pacing itself to respect.
    /// </summary>
    internal static bool ShouldRetryQuickly(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: System.Net.HttpStatusCode.TooManyRequests } => false,
        { Result: { } response } => StoriesFailures.Classify(response.StatusCode) == FailureKind.Transient
            && !(StoriesClient.RetryAfter(response.Headers.RetryAfter) > StoriesOptions.MaxInProcessWait),
        _ => false,
    };
}
