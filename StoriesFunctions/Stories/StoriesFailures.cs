using System.Net;

namespace StoriesFunctions.Stories;

public enum FailureKind
{
    None,

    /// <summary>Worth trying again later: the same request may well succeed.</summary>
    Transient,

    /// <summary>Stories will refuse this request however often it is sent.</summary>
    Permanent,
}

/// <summary>The one place that decides whether a failed Stories call is worth retrying.</summary>
public static class StoriesFailures
{
    /// <summary>
    /// No answer (network error, timeout), 408, 429 and every 5xx are transient; any other 4xx is permanent
    /// (422 validation, 401/403 key, 404); 2xx is no failure. 1xx/3xx should not reach us (redirects are followed)
    /// and are treated as transient so that nothing is dropped on a surprise.
    /// </summary>
    public static FailureKind Classify(HttpStatusCode? status) => status switch
    {
        null => FailureKind.Transient,
        HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => FailureKind.Transient,
        { } s when (int)s is >= 200 and < 300 => FailureKind.None,
        { } s when (int)s is >= 400 and < 500 => FailureKind.Permanent,
        _ => FailureKind.Transient,
    };
}
