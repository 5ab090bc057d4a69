using System.Globalization;
using System.Text.Json;

namespace StoriesFunctions.Segment;

public static class UserIds
{
    /// <summary>
    /// A Segment <c>userId</c> as Stories' <c>user_id</c>: a string as it is (null when blank), a number as its
    /// decimal string (libraries in the wild send numbers), anything else null.
    /// </summary>
    public static string? Read(JsonElement userId) => userId.ValueKind switch
    {
        JsonValueKind.String => string.IsNullOrWhiteSpace(userId.GetString()) ? null : userId.GetString(),
        JsonValueKind.Number when userId.TryGetInt64(out var whole) => whole.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number when userId.TryGetDecimal(out var number) => number.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => userId.GetRawText(),
        _ => null,
    };
}
