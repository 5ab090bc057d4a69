using System.Security.Cryptography;
using System.Text;
using StoriesFunctions.Functions;

namespace StoriesFunctions.Tests.Functions;

/// <summary>The console's Content-Security-Policy: its own inline script and style by hash, nothing inline besides.</summary>
public class ConsolePageTests
{
    private static string Hash(string text) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + "'";

    [Test]
    public void PolicyFor_AScriptAndAStyle_AllowsExactlyTheirTextByHash()
    {
        var policy = ConsolePage.PolicyFor("<html><style>\nb { color: red; }\n</style><p>x</p><script>\nrun();\n</script></html>");

        Assert.Multiple(() =>
        {
            Assert.That(policy, Does.Contain($"script-src {Hash("\nrun();\n")};"));
            Assert.That(policy, Does.Contain($"style-src {Hash("\nb { color: red; }\n")};"));
            Assert.That(policy, Does.StartWith("default-src 'none';").And.Not.Contain("unsafe"));
        });
    }

    [Test]
    public void ContentSecurityPolicy_EntraToSignIn_IsTheOneOtherOriginTheScriptMayCall() =>
        Assert.That(ConsolePage.ContentSecurityPolicy("https://login.microsoftonline.com"), Does.Contain("connect-src 'self' https://login.microsoftonline.com;"));

    [Test]
    public void PolicyFor_NoScript_AllowsNoScript() =>
        Assert.That(ConsolePage.PolicyFor("<p>static</p>"), Does.Contain("script-src 'none';").And.Contain("style-src 'none';"));

    [Test]
    public void ContentSecurityPolicy_TheConsole_OneScriptAndOneStyleByHashAndNoUnsafeInline()
    {
        var policy = ConsolePage.ContentSecurityPolicy();
        var page = ConsolePage.Html;

        Assert.Multiple(() =>
        {
            Assert.That(policy.Split("'sha256-"), Has.Length.EqualTo(3));
            Assert.That(policy, Does.Not.Contain("unsafe"));
            Assert.That(page, Does.Contain("<script>").And.Contain("loadCharts"));
        });
    }
}
