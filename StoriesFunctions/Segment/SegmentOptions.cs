using Microsoft.Extensions.Options;

namespace StoriesFunctions.Segment;

/// <summary>Settings under <c>Segment__</c>: how the webhook authenticates and bounds what it accepts.</summary>
public sealed class SegmentOptions
{
    public const string Section = "Segment";

    /// <summary>The Webhooks destination's shared secret. When set, every request must carry a valid <c>X-Signature</c>.</summary>
    public string? SharedSecret { get; set; }

    /// <summary>
    /// A second secret accepted as well, only while rotating: set it to the new secret, change Segment's, then make it
    /// <see cref="SharedSecret"/> and clear this.
    /// </summary>
    public string? SecondSharedSecret { get; set; }

    /// <summary>
    /// Without a shared secret the app refuses to start unless this says unsigned calls are intended (local runs, a test
    /// bench). The function key alone then protects the endpoint.
    /// </summary>
    public bool AllowUnsignedCalls { get; set; }

    /// <summary>
    /// What a signature must cover: <c>body</c>, <c>first-element</c> or <c>either</c> (default); see
    /// <see cref="Segment.SignatureScope"/> for the risk of each.
    /// </summary>
    public string SignatureScope { get; set; } = "either";

    /// <summary><see cref="SignatureScope"/> parsed; null when it names no scope (the validator refuses that).</summary>
    internal SignatureScope? Scope => SignatureScopes.Parse(SignatureScope);

    /// <summary>Largest request body accepted, in bytes (default 8 MiB: far above Segment's 500 KB batches).</summary>
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;
}

internal sealed class SegmentOptionsValidator : IValidateOptions<SegmentOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            failures.Add("Segment__MaxBodyBytes must be between 1024 and 67108864 bytes.");
        }

        if (string.IsNullOrEmpty(options.SharedSecret) && !options.AllowUnsignedCalls)
        {
            failures.Add("Segment__SharedSecret is not set: set it to the Webhooks destination's shared secret, "
                + "or set Segment__AllowUnsignedCalls to true if unsigned calls are intended (local runs only).");
        }

        if (string.IsNullOrEmpty(options.SharedSecret) && !string.IsNullOrEmpty(options.SecondSharedSecret))
        {
            failures.Add("Segment__SecondSharedSecret is accepted only beside Segment__SharedSecret, while rotating.");
        }

        if (options.Scope is null)
        {
            failures.Add("Segment__SignatureScope must be body, first-element or either.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
