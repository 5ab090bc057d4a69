using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace StoriesFunctions.Segment;

public static class UserIds
{
    /// <summary>
    /// True when there is no usable userId: missing, null, not a string or number, or a string of nothing but
    /// spaces, tabs and line breaks. Ingest (skip) and delivery (mapping) both decide by this one rule.
    /// </summary>
    public static bool IsAbsent(JsonElement userId) => userId.ValueKind switch
    {
        JsonValueKind.Number => false,
        JsonValueKind.String => JsonMarshal.GetRawUtf8Value(userId)[1..^1] is var raw && raw.Contains((byte)'\\')
            ? IsBlank(userId.GetString().AsSpan())
            : IsBlank(raw),
        _ => true,
    };

    /// <summary>
    /// A Segment <c>userId</c> as Stories' <c>user_id</c>: a string as it is, a number as its decimal string
    /// (libraries in the wild send numbers); null when <see cref="IsAbsent"/>.
    /// </summary>
    public static string? Read(JsonElement userId) => userId.ValueKind switch
    {
        _ when IsAbsent(userId) => null,
        JsonValueKind.String => userId.GetString(),
        JsonValueKind.Number when userId.TryGetInt64(out var whole) => whole.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number when userId.TryGetDecimal(out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => userId.GetRawText(),
    };

    private static bool IsBlank(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static bool IsBlank(ReadOnlySpan<char> text) => text.IndexOfAnyExcept(" \t\r\n") < 0;
}
