using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using StoriesFunctions.Operators;
using StoriesFunctions.Tests.Functions;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.Operators;

/// <summary>
/// Who may use the operator endpoints, against the real container and Azurite, with Entra's metadata served at the HTTP
/// boundary: only a valid token for this app with the operator role; never an identity header, never local development
/// mode where App Service runs the app.
/// </summary>
[NonParallelizable]
public class OperatorAccessTests
{
    private static readonly Uri NoStories = new("http://127.0.0.1:9/v1/");

    private static readonly string ForgedPrincipal = Convert.ToBase64String(Encoding.UTF8.GetBytes(
        "{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"roles\",\"val\":\"Operator\"}],\"name_typ\":\"name\",\"role_typ\":\"roles\"}"));

    private EntraStandIn entra = null!;

    [SetUp]
    public void CreateTenant() => entra = new EntraStandIn();

    [TearDown]
    public void DisposeTenant() => entra.Dispose();

    private Task<Forwarder> StartAsync(Action<Dictionary<string, string?>>? configure = null) =>
        Forwarder.StartAsync(NoStories, settings =>
        {
            entra.Configure(settings);
            configure?.Invoke(settings);
        }, services: builder => builder.Services.AddHttpClient(OperatorAccess.MetadataClient).ConfigurePrimaryHttpMessageHandler(entra.Handler));

    private static Dictionary<string, string> Bearer(string token) => new() { ["Authorization"] = "Bearer " + token };

    public static IEnumerable<TestCaseData> Callers()
    {
        yield return new TestCaseData("no identity", HttpStatusCode.Unauthorized).SetName("Api_NoIdentity_Answers401");
        yield return new TestCaseData("forged platform header", HttpStatusCode.Unauthorized).SetName("Api_ForgedIdentityHeader_Answers401");
        yield return new TestCaseData("token from another key", HttpStatusCode.Unauthorized).SetName("Api_TokenSignedByAnotherKey_Answers401");
        yield return new TestCaseData("token for another app", HttpStatusCode.Unauthorized).SetName("Api_TokenForAnotherApp_Answers401");
        yield return new TestCaseData("token from another tenant", HttpStatusCode.Unauthorized).SetName("Api_TokenFromAnotherTenant_Answers401");
        yield return new TestCaseData("expired token", HttpStatusCode.Unauthorized).SetName("Api_ExpiredToken_Answers401");
        yield return new TestCaseData("signed in without the role", HttpStatusCode.Forbidden).SetName("Api_SignedInWithoutTheRole_Answers403");
        yield return new TestCaseData("operator", HttpStatusCode.OK).SetName("Api_Operator_Answers200");
        yield return new TestCaseData("operator with a v1 token", HttpStatusCode.OK).SetName("Api_OperatorWithV1Token_Answers200");
    }

    [TestCaseSource(nameof(Callers))]
    public async Task Api_Caller_IsAnsweredAsItsIdentityAllows(string caller, HttpStatusCode expected)
    {
        await using var forwarder = await StartAsync();
        using var stranger = new EntraStandIn();
        var headers = caller switch
        {
            "no identity" => new Dictionary<string, string>(),
            "forged platform header" => new Dictionary<string, string>
            {
                ["X-MS-CLIENT-PRINCIPAL"] = ForgedPrincipal, ["X-MS-CLIENT-PRINCIPAL-NAME"] = "mallory@example.org", ["X-MS-CLIENT-PRINCIPAL-IDP"] = "aad",
            },
            "token from another key" => Bearer(entra.Token(signedWith: stranger.Key)),
            "token for another app" => Bearer(entra.Token(audience: $"api://{Guid.NewGuid()}")),
            "token from another tenant" => Bearer(entra.Token(issuer: stranger.Issuer)),
            "expired token" => Bearer(entra.Token(expires: DateTime.UtcNow.AddMinutes(-10))),
            "signed in without the role" => Bearer(entra.Token(roles: [])),
            "operator" => Bearer(entra.Token()),
            "operator with a v1 token" => Bearer(entra.Token(issuer: $"https://sts.windows.net/{entra.TenantId}/", audience: entra.ClientId)),
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };

        var answers = new List<HttpStatusCode>();
        foreach (var (method, path, body) in new[]
        {
            ("GET", "dead-letters", (string?)null), ("GET", "dead-letters/count", null), ("GET", "console/summary", null),
            ("POST", "dead-letters/purge", "{\"messageIds\":[\"none\"]}"), ("GET", "erasures/none", null), ("POST", "erasures/lift", "{\"userId\":\"nobody\"}"),
        })
        {
            answers.Add((await forwarder.ApiAsync(method, path, body, headers)).Status);
        }

        var allowed = expected == HttpStatusCode.OK;
        Assert.That(answers, allowed ? Has.None.EqualTo(HttpStatusCode.Unauthorized).And.None.EqualTo(HttpStatusCode.Forbidden) : Is.All.EqualTo(expected));
    }

    [TestCase("WEBSITE_INSTANCE_ID", "0123456789abcdef")]
    [TestCase("WEBSITE_SITE_NAME", "func-stories")]
    public async Task Api_LocalDevelopmentWhereAppServiceRunsTheApp_IsIgnored(string marker, string value)
    {
        await using var forwarder = await StartAsync(s =>
        {
            s["Operators:LocalDevelopment"] = "true";
            s[marker] = value;
        });

        var (status, _) = await forwarder.ApiAsync("GET", "dead-letters");

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Api_NotConfiguredAndNotLocal_Answers503ToEveryone()
    {
        await using var forwarder = await StartAsync(s =>
        {
            s["Operators:TenantId"] = null;
            s["Operators:ClientId"] = null;
        });

        var (status, json) = await forwarder.ApiAsync("GET", "dead-letters", headers: Bearer(entra.Token()));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(json!.RootElement.GetProperty("error").GetString(), Does.Contain("Operators__TenantId"));
        });
    }
}
