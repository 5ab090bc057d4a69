using Microsoft.Extensions.Options;

namespace StoriesFunctions.Erasure;

/// <summary>Settings under <c>Erasure__</c>.</summary>
public sealed class ErasureOptions
{
    public const string Section = "Erasure";

    /// <summary>
    /// The key of the keyed hash the list of erased users holds instead of their ids (HMAC-SHA256): without it, that list
    /// cannot be matched against candidate ids. At least 32 characters; changing it forgets every erasure.
    /// </summary>
    public string? HashKey { get; set; }
}

internal sealed class ErasureOptionsValidator : IValidateOptions<ErasureOptions>
{
    public const int MinKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, ErasureOptions options) =>
        options.HashKey is { Length: >= MinKeyLength }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Erasure__HashKey must be set to a secret of at least {MinKeyLength} characters (e.g. openssl rand -hex 32).");
}
