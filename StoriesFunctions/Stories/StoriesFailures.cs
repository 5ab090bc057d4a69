using System.Net;

namespace StoriesFunctions.Stories;

public enum FailureKind
{
    None,

    /// <summary>Worth trying again later: the same request may well succeed.</summary>
    Transient,

    /// <summary>Stories will refuse this request however often it is sent.</summary>
    Permanent,

    /// <summary>
    /// Stories refuses every request from this deployment: the key or the base URL is wrong. Says nothing about the
    /// event, so it must not become a verdict on it: delivery waits until the configuration is fixed.
    /// </summary>
    Configuration,
}

/// <summary>The one place that decides whether a failed Stories call is worth retrying.</summary>
public static class StoriesFailures
{
    /// <summary>
    /// No answer (network error, timeout), 408, 429 and every 5xx are transient. 401 and 403 are the key, and a 404 on
    /// one of the collection paths we post to (<c>/users</c>, <c>/events</c>) is the base URL: both are
    /// configuration, not the event. Any other 4xx is permanent (422 validation, 400, 413); 2xx is no failure.
    /// 1xx/3xx should not reach us (redirects are followed) and are treated as transient so that nothing is dropped.
    /// </summary>
    public static FailureKind Classify(HttpStatusCode? status) => status switch
    {
        null => FailureKind.Transient,
        HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => FailureKind.Transient,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => FailureKind.Configuration,

        // We only ever post to the two collection endpoints, which exist whenever the base URL is right; a 404 there
        // can only mean the path is wrong (Stories' own 404 is for a resource by id, which we never address).
        HttpStatusCode.NotFound => FailureKind.Configuration,
        { } s when (int)s is >= 200 and < 300 => FailureKind.None,
        { } s when (int)s is >= 400 and < 500 => FailureKind.Permanent,
        _ => FailureKind.Transient,
    };
}
