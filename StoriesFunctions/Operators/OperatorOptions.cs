using Microsoft.Extensions.Options;

namespace StoriesFunctions.Operators;

/// <summary>
/// Settings under <c>Operators__</c>: who may use the console and the operator API. Operators present an Entra ID access
/// token (<c>Authorization: Bearer</c>) issued by <see cref="TenantId"/> for the app registration <see cref="ClientId"/>,
/// carrying the app role <see cref="Role"/>. No key, in a URL or elsewhere.
/// </summary>
public sealed class OperatorOptions
{
    public const string Section = "Operators";

    /// <summary>The Entra tenant whose tokens are accepted.</summary>
    public string? TenantId { get; set; }

    /// <summary>The app registration operators sign in to: a token's audience is this id or <c>api://</c> and this id.</summary>
    public string? ClientId { get; set; }

    /// <summary>The app role a token must carry (its <c>roles</c> claim).</summary>
    public string Role { get; set; } = "Operator";

    /// <summary>Where Entra's metadata is read: <c>{Instance}{TenantId}/v2.0/.well-known/openid-configuration</c>.</summary>
    public Uri Instance { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>
    /// Local development (<c>func start</c>; the local sample sets it): operator requests need no token. Never honoured
    /// where App Service runs the app (<c>WEBSITE_INSTANCE_ID</c> or <c>WEBSITE_SITE_NAME</c> is set there).
    /// </summary>
    public bool LocalDevelopment { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId);
}

internal sealed class OperatorOptionsValidator : IValidateOptions<OperatorOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.TenantId) && !Guid.TryParse(options.TenantId, out _))
        {
            failures.Add("Operators__TenantId must be the tenant's id (a GUID).");
        }

        if (!string.IsNullOrWhiteSpace(options.ClientId) && !Guid.TryParse(options.ClientId, out _))
        {
            failures.Add("Operators__ClientId must be the app registration's application (client) id (a GUID).");
        }

        if (string.IsNullOrWhiteSpace(options.Role))
        {
            failures.Add("Operators__Role must name the app role operators hold.");
        }

        if (!options.Instance.IsAbsoluteUri || (options.Instance.Scheme != Uri.UriSchemeHttps && !options.Instance.IsLoopback))
        {
            failures.Add("Operators__Instance must be an https URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
