using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StoriesFunctions.Segment;

public enum SignatureCheck
{
    /// <summary>No shared secret is configured and unsigned calls are allowed: the function key alone protects the endpoint.</summary>
    NotConfigured,
    Valid,
    Missing,
    Mismatch,
}

/// <summary>
/// Checks Segment's <c>X-Signature</c>: lowercase hex HMAC-SHA1 of the raw body or, for an array or batch body, of the
/// raw bytes of its first element (what Segment signs today), as <see cref="SegmentOptions.SignatureScope"/> allows,
/// with the shared secret or, while rotating, the second one.
/// </summary>
public sealed class SignatureVerifier
{
    private readonly byte[][] _keys;
    private readonly SignatureScope _scope;

    public SignatureVerifier(IOptions<SegmentOptions> options)
    {
        var value = options.Value;
        _keys = new[] { value.SharedSecret, value.SecondSharedSecret }
            .Where(secret => !string.IsNullOrEmpty(secret))
            .Select(secret => Encoding.UTF8.GetBytes(secret!))
            .ToArray();
        _scope = value.Scope ?? SignatureScope.Body;
    }

    public bool IsConfigured => _keys.Length > 0;

    public bool IsRotating => _keys.Length > 1;

    public SignatureScope Scope => _scope;

    /// <param name="firstElement">The first element's raw bytes for an array or batch; empty for a single event.</param>
    public SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, ReadOnlySpan<byte> firstElement)
    {
        if (_keys.Length == 0)
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

        // A single event is its own first element: every scope checks its body.
        var checkBody = _scope != SignatureScope.FirstElement || firstElement.IsEmpty;
        var checkFirst = _scope != SignatureScope.Body && !firstElement.IsEmpty;
        var matches = false;
        foreach (var key in _keys)
        {
            matches |= checkBody && Matches(key, body, expected);
            matches |= checkFirst && Matches(key, firstElement, expected);
        }

        return matches ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    private static bool Matches(byte[] key, ReadOnlySpan<byte> signed, ReadOnlySpan<byte> expected)
    {
        Span<byte> actual = stackalloc byte[HMACSHA1.HashSizeInBytes];
        var hmac = Hmac(key);
        hmac.AppendData(signed);
        hmac.GetHashAndReset(actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// Keyed HMACs per thread (one per secret), reset after each use: setting up the key for every request costs more
    /// than hashing a typical event.
    /// </summary>
    [ThreadStatic]
    private static List<(byte[] Key, IncrementalHash Hmac)>? t_hmacs;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "Segment signs with HMAC-SHA1; we verify what it sends.")]
    private static IncrementalHash Hmac(byte[] key)
    {
        var cache = t_hmacs ??= [];
        foreach (var (cachedKey, cachedHmac) in cache)
        {
            if (ReferenceEquals(cachedKey, key))
            {
                return cachedHmac;
            }
        }

        if (cache.Count >= 4)
        {
            cache.ForEach(entry => entry.Hmac.Dispose());
            cache.Clear();
        }

        var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
        cache.Add((key, hmac));
        return hmac;
    }

    private static bool TryDecodeHex(string hex, Span<byte> destination) =>
        hex.Length == destination.Length * 2
        && Convert.FromHexString(hex, destination, out _, out var written) == System.Buffers.OperationStatus.Done
        && written == destination.Length;
}
