using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// Realistic Segment events of about 1 KB, shaped like what analytics.js sends through the Webhooks destination: a
/// page context, a campaign, a user agent and a handful of properties (traits for an identify). Shared by the
/// benchmarks project (linked) and the host-level benchmark.
/// </summary>
internal static class SampleEvents
{
    public const int BatchSize = 4000;

    public const string SharedSecret = "benchmark-shared-secret-0123456789";

    /// <summary>One event; <paramref name="run"/> and <paramref name="index"/> make its messageId unique.</summary>
    public static string Track(string run, int index) => string.Create(CultureInfo.InvariantCulture, $$"""
        {"type":"track","messageId":"ajs-next-{{run}}-{{index:D6}}-5d2a9e7c1f","userId":"user-{{index % 977:D5}}","anonymousId":"5f1b7c0e-8a1d-4c3e-9b2a-{{index:D12}}","event":"Order Completed","properties":{"checkout_id":"fksdjfsdjfisjf9sdfjsd9f","order_id":"50314b8e9bcf000000000000","affiliation":"Google Store","total":27.5,"subtotal":22.5,"revenue":25,"shipping":3,"tax":2,"discount":2.5,"coupon":"hasbros","currency":"USD"},"context":{"library":{"name":"analytics.js","version":"next-1.70.0"},"ip":"203.0.113.{{index % 250}}","locale":"en-US","page":{"path":"/checkout/complete","referrer":"https://www.example.com/checkout/payment","search":"?step=3","title":"Thank you for your order","url":"https://www.example.com/checkout/complete?step=3"},"campaign":{"name":"winter-sale","source":"newsletter","medium":"email"},"userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},"integrations":{"All":true},"timestamp":"2026-11-20T14:05:01.123Z","sentAt":"2026-11-20T14:05:01.456Z","receivedAt":"2026-11-20T14:05:02.001Z","originalTimestamp":"2026-11-20T14:05:01.123Z","channel":"client","version":2}
        """);

    /// <summary>An identify of about 1 KB with a user's traits and the same context.</summary>
    public static string Identify(string run, int index) => string.Create(CultureInfo.InvariantCulture, $$"""
        {"type":"identify","messageId":"ajs-next-{{run}}-{{index:D6}}-9b3e1d7a2c","userId":"user-{{index % 977:D5}}","anonymousId":"5f1b7c0e-8a1d-4c3e-9b2a-{{index:D12}}","traits":{"name":"Ada Lovelace","email":"ada{{index % 977}}@example.com","plan":"business","company":{"name":"Analytical Engines Ltd","id":"c-{{index % 97}}"},"createdAt":"2025-03-14T09:26:53Z","logins":{{index % 40}}},"context":{"library":{"name":"analytics.js","version":"next-1.70.0"},"ip":"203.0.113.{{index % 250}}","locale":"en-US","page":{"path":"/account/settings","referrer":"https://www.example.com/login","search":"","title":"Account settings","url":"https://www.example.com/account/settings"},"campaign":{"name":"winter-sale","source":"newsletter","medium":"email"},"userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},"integrations":{"All":true},"timestamp":"2026-11-20T14:05:01.123Z","sentAt":"2026-11-20T14:05:01.456Z","receivedAt":"2026-11-20T14:05:02.001Z","originalTimestamp":"2026-11-20T14:05:01.123Z","channel":"client","version":2}
        """);

    public static byte[] SingleBody(string run, int index) => Encoding.UTF8.GetBytes(Track(run, index));

    /// <summary>An array body of <paramref name="count"/> track events, as Segment's batching sends it.</summary>
    public static byte[] ArrayBody(string run, int count) => ArrayBody(run, count, Track);

    /// <summary>An array body of <paramref name="count"/> events made by <paramref name="make"/> (run, index).</summary>
    public static byte[] ArrayBody(string run, int count, Func<string, int, string> make)
    {
        var builder = new StringBuilder(count * 1100);
        builder.Append('[');
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(make(run, i));
        }

        return Encoding.UTF8.GetBytes(builder.Append(']').ToString());
    }

    /// <summary>Segment's X-Signature: lowercase hex HMAC-SHA1 of the body.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "Segment signs with HMAC-SHA1.")]
    public static string Sign(ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(SharedSecret), body));
}
