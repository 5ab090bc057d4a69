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
        var hmac = Hmac(_key);
        hmac.AppendData(body);
        hmac.GetHashAndReset(actual);
        var matches = CryptographicOperations.FixedTimeEquals(actual, expected);
        if (!firstElement.IsEmpty)
        {
            hmac.AppendData(firstElement);
            hmac.GetHashAndReset(actual);
            matches |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return matches ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>
    /// One keyed HMAC per thread, reset after each use: setting up the key for every request costs more than
    /// hashing a typical event.
    /// </summary>
    [ThreadStatic]
    private static (byte[] Key, IncrementalHash Hmac)? t_hmac;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "Segment signs with HMAC-SHA1; we verify what it sends.")]
    private static IncrementalHash Hmac(byte[] key)
    {
        if (t_hmac is { } cached && ReferenceEquals(cached.Key, key))
        {
            return cached.Hmac;
        }

        t_hmac?.Hmac.Dispose();
        var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
        t_hmac = (key, hmac);
        return hmac;
    }

    private static bool TryDecodeHex(string hex, Span<byte> destination) =>
        hex.Length == destination.Length * 2
        && Convert.FromHexString(hex, destination, out _, out var written) == System.Buffers.OperationStatus.Done
        && written == destination.Length;
}
