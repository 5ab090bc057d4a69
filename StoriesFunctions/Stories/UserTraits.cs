using System.Text.Json;
using System.Text.RegularExpressions;

namespace StoriesFunctions.Stories;

/// <summary>
/// Stories' user fields derived from Segment's reserved traits, the way Segment derives them; reserved traits
/// arrive in camelCase or snake_case.
/// </summary>
public static partial class UserTraits
{
    /// <summary><c>name</c> trimmed; else <c>firstName lastName</c> when both exist.</summary>
    public static string? Name(JsonElement traits)
    {
        if (Text(traits, "name") is { } name)
        {
            return name;
        }

        var first = Text(traits, "firstName") ?? Text(traits, "first_name");
        var last = Text(traits, "lastName") ?? Text(traits, "last_name");
        return first is not null && last is not null ? $"{first} {last}" : null;
    }

    /// <summary><c>email</c>; else the userId when it is an email address.</summary>
    public static string? Email(JsonElement traits, string userId) =>
        Text(traits, "email") ?? (EmailShape().IsMatch(userId) ? userId : null);

    public static string? Phone(JsonElement traits) => Text(traits, "phone");

    private static string? Text(JsonElement traits, string name) =>
        traits.ValueKind == JsonValueKind.Object
        && traits.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && value.GetString()!.Trim() is { Length: > 0 } text
            ? text
            : null;

    // Segment's own test (facade): something@something.something, no spaces.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();
}
