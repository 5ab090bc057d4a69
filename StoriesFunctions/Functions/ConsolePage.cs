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
    private static readonly Lazy<(string Html, string ScriptHashes, string StyleHashes)> Page = new(() =>
    {
        using var stream = typeof(ConsolePage).Assembly.GetManifestResourceStream("StoriesFunctions.console.html")
            ?? throw new InvalidOperationException("console.html is not embedded");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var html = reader.ReadToEnd();
        return (html, Hashes(ScriptElements(), html), Hashes(StyleElements(), html));
    });

    /// <summary>The page as embedded; its sign-in settings sit in a <c>&lt;meta&gt;</c> tag, outside every hashed element.</summary>
    public static string Html => Page.Value.Html;

    /// <summary>The policy for the embedded page; <paramref name="connectTo"/> is one more origin its script may call (Entra's, to sign in).</summary>
    public static string ContentSecurityPolicy(string? connectTo = null) => Policy(Page.Value.ScriptHashes, Page.Value.StyleHashes, connectTo);

    /// <summary>The policy for a page whose inline <c>&lt;script&gt;</c> and <c>&lt;style&gt;</c> elements carry no attributes.</summary>
    internal static string PolicyFor(string html, string? connectTo = null) =>
        Policy(Hashes(ScriptElements(), html), Hashes(StyleElements(), html), connectTo);

    private static string Policy(string scripts, string styles, string? connectTo) =>
        $"default-src 'none'; script-src {scripts}; style-src {styles}; "
        + $"connect-src 'self'{(string.IsNullOrWhiteSpace(connectTo) ? string.Empty : " " + connectTo.Trim())}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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
