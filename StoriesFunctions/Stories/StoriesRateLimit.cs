using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace StoriesFunctions.Stories;

/// <summary>
/// A Stories rate limit: <see cref="Limit"/> calls per <see cref="Window"/>, written <c>300/1m</c> (also <c>s</c>,
/// <c>h</c>, and a count before the unit: <c>20/2s</c>). Stories states the limit in <c>X-RateLimit-Limit</c>, not the
/// window; the API looks like Laravel, whose throttle counts per minute.
/// </summary>
public sealed record StoriesRateLimit(int Limit, TimeSpan Window)
{
    /// <summary>What Stories answered in every call we have seen (<c>X-RateLimit-Limit: 300</c>), per Laravel's minute.</summary>
    public static readonly StoriesRateLimit StoriesDefault = new(300, TimeSpan.FromMinutes(1));

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

    public static bool TryParse(string? text, [NotNullWhen(true)] out StoriesRateLimit? rateLimit)
    {
        rateLimit = null;
        var parts = text?.Trim().Split('/', 2);
        if (parts is not [var count, var per]
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1
            || per.Length < 1)
        {
            return false;
        }

        var unit = per[^1] switch
        {
            's' or 'S' => TimeSpan.FromSeconds(1),
            'm' or 'M' => TimeSpan.FromMinutes(1),
            'h' or 'H' => TimeSpan.FromHours(1),
            _ => TimeSpan.Zero,
        };
        var number = per[..^1];
        var multiple = 1;
        if (unit == TimeSpan.Zero || (number.Length > 0 && !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out multiple)) || multiple < 1)
        {
            return false;
        }

        var window = unit * multiple;
        if (window > TimeSpan.FromDays(1))
        {
            return false;
        }

        rateLimit = new StoriesRateLimit(limit, window);
        return true;
    }

    public override string ToString() => Window.TotalSeconds % 3600 == 0
        ? $"{Limit}/{Window.TotalHours:0}h"
        : Window.TotalSeconds % 60 == 0 ? $"{Limit}/{Window.TotalMinutes:0}m" : $"{Limit}/{Window.TotalSeconds:0}s";
}
