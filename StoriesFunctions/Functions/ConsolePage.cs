using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace StoriesFunctions.Functions;

/// <summary>
/// <c>console.html</c> as served, and the Content-Security-Policy it is served with: its inline script and style are
/// allowed by their SHA-256 hashes, taken from the page itself on first use (so an edit to either cannot meet a stale
/// hash), and nothing else is: no other script or style, no image, font or frame, connections to this app only.
/// </summary>
internal static partial class ConsolePage
{
    private static readonly Lazy<(byte[] Bytes, string Policy)> Page = new(() =>
    {
        using var stream = typeof(ConsolePage).Assembly.GetManifestResourceStream("StoriesFunctions.console.html")
            ?? throw new InvalidOperationException("console.html is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, PolicyFor(Encoding.UTF8.GetString(bytes)));
    });

    public static byte[] Bytes => Page.Value.Bytes;

    public static string ContentSecurityPolicy => Page.Value.Policy;

    /// <summary>The policy for a page whose inline <c>&lt;script&gt;</c> and <c>&lt;style&gt;</c> elements carry no attributes.</summary>
    internal static string PolicyFor(string html) =>
        $"default-src 'none'; script-src {Hashes(ScriptElements(), html)}; style-src {Hashes(StyleElements(), html)}; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static string Hashes(Regex elements, string html)
    {
        var hashes = elements.Matches(html).Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'").ToList();
        return hashes.Count == 0 ? "'none'" : string.Join(' ', hashes);
    }

    [GeneratedRegex(@"<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptElements();

    [GeneratedRegex(@"<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElements();
}
