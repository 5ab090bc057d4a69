namespace StoriesFunctions.Operators;

/// <summary>Whether a request may use an operator endpoint, and if not, why.</summary>
public enum OperatorVerdict
{
    Allowed,

    /// <summary>Local development mode, outside Azure: no token needed.</summary>
    AllowedLocally,

    /// <summary>No bearer token. An identity header (<c>X-MS-CLIENT-PRINCIPAL</c>) alone is never one.</summary>
    NoToken,

    /// <summary>A token that is not Entra's for this app: bad signature, issuer, audience or lifetime.</summary>
    InvalidToken,

    /// <summary>A valid token without the operator app role.</summary>
    MissingRole,

    /// <summary>Neither <c>Operators__TenantId</c>/<c>Operators__ClientId</c> nor local development: nobody may.</summary>
    NotConfigured,
}

public static class OperatorVerdicts
{
    /// <summary>The HTTP status a refusal answers with; <see cref="OperatorVerdict.Allowed"/> has none.</summary>
    public static int? StatusCode(this OperatorVerdict verdict) => verdict switch
    {
        OperatorVerdict.Allowed or OperatorVerdict.AllowedLocally => null,
        OperatorVerdict.NoToken or OperatorVerdict.InvalidToken => 401,
        OperatorVerdict.MissingRole => 403,
        OperatorVerdict.NotConfigured => 503,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };
}
