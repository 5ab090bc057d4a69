using System.Collections.Specialized;
using System.Globalization;
using System.Text.Json;
using StoriesFunctions.Delivery;
using StoriesFunctions.Segment;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Functions;

/// <summary>
/// The dead-letter endpoints' query string: <c>reason</c>, <c>status</c>, <c>type</c>, <c>since</c>, <c>until</c> (ISO 8601),
/// <c>messageId</c>, <c>userId</c>, and <c>max</c>/<c>next</c> for paging. Anything malformed is refused with a reason.
/// </summary>
internal static class DeadLetterQuery
{
    public static NameValueCollection Of(Uri url) => System.Web.HttpUtility.ParseQueryString(url.Query);

    public static bool TryFilter(NameValueCollection query, out DeadLetterFilter filter, out string? error)
    {
        (filter, error) = (DeadLetterFilter.All, null);
        var reason = Text(query, "reason");
        if (reason is not null && !DeadLetterFilter.ReasonKinds.Contains(reason))
        {
            error = "reason must be one of: " + string.Join(", ", DeadLetterFilter.ReasonKinds);
            return false;
        }

        int? status = null;
        if (Text(query, "status") is { } s)
        {
            if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 599)
            {
                error = "status must be an HTTP status code";
                return false;
            }

            status = code;
        }

        if (!TryTime(query, "since", out var since) || !TryTime(query, "until", out var until))
        {
            error = "since and until must be ISO 8601 times, e.g. 2026-11-29T10:00:00Z";
            return false;
        }

        filter = new DeadLetterFilter(reason, status, Text(query, "type"), since, until, Text(query, "messageId"), Text(query, "userId"));
        return true;
    }

    /// <summary><c>?name=N</c>, 1 to <paramref name="limit"/>; null when absent; false when malformed.</summary>
    public static bool TryNumber(NameValueCollection query, string name, int limit, out int? value)
    {
        value = null;
        if (Text(query, name) is not { } text)
        {
            return query[name] is null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > limit)
        {
            return false;
        }

        value = n;
        return true;
    }

    /// <summary>The most ids a job body may name: <see cref="DeadLetterJobIds"/> keeps any number; this bounds one request's work.</summary>
    public const int MaxMessageIds = 10_000;

    /// <summary>The largest job body: <see cref="MaxMessageIds"/> ids of the longest length, quoted, with room to spare (about 6 MiB).</summary>
    public const int MaxBodyBytes = 6 * 1024 * 1024;

    /// <summary>
    /// A job body <c>{"messageIds": [...]}</c>: the ids (distinct strings of 1 to 512 characters, what ingest accepts as
    /// a <c>messageId</c>), an empty list for no body, null when malformed.
    /// </summary>
    public static List<string>? MessageIds(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("messageIds"u8, out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() > MaxMessageIds)
            {
                return null;
            }

            var list = ids.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).Where(i => i.Length is > 0 and <= SegmentEventValidator.MaxIdLength).Distinct().ToList();
            return list.Count == ids.GetArrayLength() ? list : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(NameValueCollection query, string name) => query[name] is { Length: > 0 and <= 500 } value ? value : null;

    private static bool TryTime(NameValueCollection query, string name, out DateTimeOffset? time)
    {
        time = null;
        if (Text(query, name) is not { } text)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }
}
