using Microsoft.Extensions.Options;

namespace StoriesFunctions.Segment;

/// <summary>Settings under <c>Segment__</c>: how the webhook authenticates and bounds what it accepts.</summary>
public sealed class SegmentOptions
{
    public const string Section = "Segment";

    /// <summary>The Webhooks destination's shared secret. When set, every request must carry a valid <c>X-Signature</c>.</summary>
    public string? SharedSecret { get; set; }

    /// <summary>Largest request body accepted, in bytes (default 8 MiB: far above Segment's 500 KB batches).</summary>
    public int MaxBodyBytes { get; set; } = 8 * 1024 * 1024;
}

internal sealed class SegmentOptionsValidator : IValidateOptions<SegmentOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentOptions options) =>
        options.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024
            ? ValidateOptionsResult.Fail("Segment__MaxBodyBytes must be between 1024 and 67108864 bytes.")
            : ValidateOptionsResult.Success;
}
