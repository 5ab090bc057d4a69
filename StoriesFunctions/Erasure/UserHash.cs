using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StoriesFunctions.Erasure;

/// <summary>
/// What the app keeps of an erased user: HMAC-SHA256 of the <c>userId</c> under <c>Erasure__HashKey</c>, in hex. Not the id,
/// and not a plain hash, which anyone could match against a list of candidate ids.
/// </summary>
public sealed class UserHash(IOptions<ErasureOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.HashKey ?? string.Empty);

    public string Of(string userId) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(userId)));
}
