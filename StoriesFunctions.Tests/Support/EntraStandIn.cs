using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// Entra ID as the app sees it: a tenant's OpenID metadata and signing keys, served by an <see cref="HttpMessageHandler"/>
/// (the process boundary the app's metadata client crosses), and access tokens signed with the tenant's key.
/// </summary>
public sealed class EntraStandIn : IDisposable
{
    private readonly RSA rsa = RSA.Create(2048);
    private HttpListener? listener;

    /// <summary>Where <see cref="Serve"/> answers (<c>http://127.0.0.1:{port}/</c>), for a host in another process; else Entra's own.</summary>
    public Uri Instance { get; private set; } = new("https://login.microsoftonline.com/");

    public EntraStandIn()
    {
        Key = new RsaSecurityKey(rsa) { KeyId = "test-key-1" };
    }

    public string TenantId { get; } = Guid.NewGuid().ToString();

    public string ClientId { get; } = Guid.NewGuid().ToString();

    public RsaSecurityKey Key { get; }

    public string Issuer => $"https://login.microsoftonline.com/{TenantId}/v2.0";

    /// <summary>The settings that make the app accept this tenant's tokens for this client, with local development off.</summary>
    public void Configure(IDictionary<string, string?> settings)
    {
        settings["Operators:TenantId"] = TenantId;
        settings["Operators:ClientId"] = ClientId;
        settings["Operators:LocalDevelopment"] = "false";
    }

    /// <summary>
    /// Serves the metadata and keys over HTTP on a free loopback port, for the app under the real host: set
    /// <c>Operators__Instance</c> to <see cref="Instance"/>.
    /// </summary>
    public Uri Serve()
    {
        Instance = new Uri($"http://127.0.0.1:{FreePorts.Take(1)[0]}/");
        listener = new HttpListener();
        listener.Prefixes.Add(Instance.AbsoluteUri);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var body = Document(context.Request.Url!.AbsolutePath);
                context.Response.StatusCode = body is null ? 404 : 200;
                context.Response.ContentType = "application/json";
                var bytes = System.Text.Encoding.UTF8.GetBytes(body ?? "{}");
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        return Instance;
    }

    /// <summary>The host-level settings (<c>__</c> form) for this tenant, served by <see cref="Serve"/>.</summary>
    public Dictionary<string, string?> HostSettings() => new()
    {
        ["Operators__TenantId"] = TenantId,
        ["Operators__ClientId"] = ClientId,
        ["Operators__LocalDevelopment"] = "false",
        ["Operators__Instance"] = Instance.AbsoluteUri,
    };

    /// <summary>An access token; by default valid for an hour, for this app, with the operator role.</summary>
    public string Token(
        string[]? roles = null, string? audience = null, string? issuer = null, DateTime? expires = null, SecurityKey? signedWith = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["oid"] = Guid.NewGuid().ToString(), ["tid"] = TenantId };
        if ((roles ?? ["Operator"]) is { Length: > 0 } granted)
        {
            claims["roles"] = granted;
        }

        var end = expires ?? now.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? $"api://{ClientId}",
            IssuedAt = end.AddHours(-2),
            NotBefore = end.AddHours(-2),
            Expires = end,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signedWith ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>Answers the metadata and keys requests; anything else 404.</summary>
    public HttpMessageHandler Handler() => new MetadataHandler(this);

    public void Dispose()
    {
        listener?.Close();
        rsa.Dispose();
    }

    private string? Document(string path) =>
        path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal) ? Metadata()
        : path.EndsWith("/discovery/v2.0/keys", StringComparison.Ordinal) ? Keys()
        : null;

    private string Metadata() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = new Uri(Instance, $"{TenantId}/discovery/v2.0/keys").AbsoluteUri,
        ["authorization_endpoint"] = $"https://login.microsoftonline.com/{TenantId}/oauth2/v2.0/authorize",
        ["token_endpoint"] = $"https://login.microsoftonline.com/{TenantId}/oauth2/v2.0/token",
    });

    private string Keys()
    {
        var parameters = rsa.ExportParameters(false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", kid = Key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        });
    }

    private sealed class MetadataHandler(EntraStandIn entra) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = entra.Document(request.RequestUri!.AbsolutePath);
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
        }
    }
}
