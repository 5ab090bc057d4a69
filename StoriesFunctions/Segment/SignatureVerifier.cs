using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StoriesFunctions.Segment;

public enum SignatureCheck
{
    /// <summary>No shared secret is configured: the function key alone protects the endpoint.</summary>
    NotConfigured,
    Valid,
    Missing,
    Mismatch,
}

/// <summary>
/// Checks Segment's <c>X-Signature</c>: lowercase hex HMAC-SHA1 of the raw body, or, for an array or batch body,
/// of the raw bytes of its first element (what Segment signs today). Either is accepted.
/// </summary>
public sealed class SignatureVerifier(IOptions<SegmentOptions> options)
{
    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.SharedSecret)
        ? null
        : Encoding.UTF8.GetBytes(options.Value.SharedSecret);

    public bool IsConfigured => _key is not null;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "Segment signs with HMAC-SHA1; we verify what it sends.")]
    public SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, ReadOnlySpan<byte> firstElement)
    {
        if (_key is null)
        {
            return SignatureCheck.NotConfigured;
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        Span<byte> expected = stackalloc byte[HMACSHA1.HashSizeInBytes];
        if (!TryDecodeHex(header.Trim(), expected))
        {
            return SignatureCheck.Mismatch;
        }

        Span<byte> actual = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(_key, body, actual);
        var matches = CryptographicOperations.FixedTimeEquals(actual, expected);
        if (!firstElement.IsEmpty)
        {
            HMACSHA1.HashData(_key, firstElement, actual);
            matches |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return matches ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    private static bool TryDecodeHex(string hex, Span<byte> destination) =>
        hex.Length == destination.Length * 2
        && Convert.FromHexString(hex, destination, out _, out var written) == System.Buffers.OperationStatus.Done
        && written == destination.Length;
}
