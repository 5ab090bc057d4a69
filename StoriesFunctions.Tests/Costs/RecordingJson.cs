using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StoriesFunctions.Tests.Costs;

/// <summary>A recording's JSON form: camelCase names, enums as camelCase strings ("http"), durations as "hh:mm:ss.fffffff".</summary>
public static class RecordingJson
{
    /// <summary>
    /// Strict on reading: a missing field, a null where none belongs or an unknown name is an error, not a zero. On writing,
    /// text keeps its apostrophes and signs (÷, ×) as themselves, for people reading a recording: the files are never
    /// embedded in HTML, which is what the default escaping guards against.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Write(Recording recording) => JsonSerializer.Serialize(recording, Options);

    public static Recording Read(string json) =>
        JsonSerializer.Deserialize<Recording>(json, Options) ?? throw new JsonException("A recording cannot be null.");

    public static Recording Load(string path) => Read(File.ReadAllText(path));
}
