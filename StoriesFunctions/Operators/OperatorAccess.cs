using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using HttpDocumentRetriever = Microsoft.IdentityModel.Protocols.HttpDocumentRetriever;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using StoriesFunctions.Telemetry;

namespace StoriesFunctions.Operators;

/// <summary>
/// Decides whether a request may use an operator endpoint: it must carry an Entra ID access token for this app with the
/// operator role, validated here (signature against the tenant's published keys, issuer, audience, lifetime). The app
/// does not rely on App Service Authentication's identity headers: the platform's authentication is not supported on
/// Flex Consumption (its documentation: unauthenticated callers are not blocked), so such a header could be anyone's.
/// </summary>
public sealed class OperatorAccess
{
    /// <summary>The named HTTP client that reads Entra's metadata and keys.</summary>
    public const string MetadataClient = "EntraMetadata";

    private readonly OperatorOptions _options;
    private readonly bool _local;
    private readonly ILogger<OperatorAccess> _logger;
    private readonly TokenValidationParameters? _validation;
    private readonly JsonWebTokenHandler _handler = new();

    public OperatorAccess(IOptions<OperatorOptions> options, IConfiguration configuration, IHttpClientFactory http, ILogger<OperatorAccess> logger)
    {
        _options = options.Value;
        _logger = logger;
        InAzure = AzureMarkers.Any(marker => !string.IsNullOrEmpty(configuration[marker]));
        _local = _options.LocalDevelopment && !InAzure;
        if (_options.IsConfigured)
        {
            var metadata = new Uri(_options.Instance, $"{_options.TenantId}/v2.0/.well-known/openid-configuration");
            var retriever = new HttpDocumentRetriever(http.CreateClient(MetadataClient)) { RequireHttps = metadata.Scheme == Uri.UriSchemeHttps };
            _validation = new TokenValidationParameters
            {
                ConfigurationManager = new Microsoft.IdentityModel.Protocols.ConfigurationManager<OpenIdConnectConfiguration>(metadata.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), retriever),

                // v2 tokens name the tenant's v2 issuer (from the metadata); v1 tokens (client credentials, by default) this one.
                ValidIssuers = [$"https://sts.windows.net/{_options.TenantId}/"],
                ValidAudiences = [_options.ClientId, $"api://{_options.ClientId}"],
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromMinutes(2),
            };
        }
    }

    /// <summary>What App Service (Flex Consumption included) sets for every app it runs, and <c>func start</c> does not.</summary>
    private static readonly string[] AzureMarkers = ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME"];

    /// <summary>App Service runs the app (<see cref="AzureMarkers"/>): local development mode is then ignored.</summary>
    public bool InAzure { get; }

    public bool IsLocal => _local;

    public async Task<OperatorVerdict> CheckAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        if (_local)
        {
            return OperatorVerdict.AllowedLocally;
        }

        if (_validation is null)
        {
            return OperatorVerdict.NotConfigured;
        }

        if (BearerToken(request) is not { } token)
        {
            return OperatorVerdict.NoToken;
        }

        var result = await _handler.ValidateTokenAsync(token, _validation).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            Log.OperatorTokenRefused(_logger, result.Exception?.GetType().Name ?? "invalid");
            return OperatorVerdict.InvalidToken;
        }

        return result.ClaimsIdentity.HasClaim("roles", _options.Role) ? OperatorVerdict.Allowed : OperatorVerdict.MissingRole;
    }

    private static string? BearerToken(HttpRequestData request) =>
        request.Headers.TryGetValues("Authorization", out var values)
        && values.FirstOrDefault() is { } header
        && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && header[7..].Trim() is { Length: > 0 } token
            ? token
            : null;
}
