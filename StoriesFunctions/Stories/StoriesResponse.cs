using System.Net;

namespace StoriesFunctions.Stories;

/// <summary>
/// What one Stories call came to. <see cref="StatusCode"/> is null when no answer arrived (network error, timeout).
/// <see cref="Excerpt"/> is the start of Stories' answer, cut short; never a request body. <see cref="Limit"/> and
/// <see cref="Remaining"/> are its <c>X-RateLimit-*</c> headers, when sent.
/// </summary>
public sealed record StoriesResponse(HttpStatusCode? StatusCode, string? Excerpt, TimeSpan? RetryAfter, string? Error, int? Limit = null, int? Remaining = null)
{
    public const int MaxExcerptChars = 200;

    public bool IsSuccess => StatusCode is { } status && (int)status is >= 200 and < 300;

    /// <summary>Stories' rate limit refused the call: waiting for budget, not a failure of the event.</summary>
    public bool IsThrottled => StatusCode == HttpStatusCode.TooManyRequests;

    public FailureKind Failure => StoriesFailures.Classify(StatusCode);

    /// <summary>A short reason for logs and dead letters.</summary>
    public string Reason => StatusCode is { } status
        ? $"Stories answered {(int)status} {status}"
        : $"no answer from Stories: {Error}";

    public static StoriesResponse NoAnswer(string error) => new(null, null, null, error);
}
