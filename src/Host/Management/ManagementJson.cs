// The one JSON shape shared by the socket protocol and `--json` output: camelCase members, enums as
// kebab-case strings ("error-disabled", "mcast-flood"), nulls written out so every key is always there.
// Reading is strict: a missing or null non-nullable member is a malformed request, not a silent default.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hairpin.Host.Management;

internal static class ManagementJson
{
    /// <summary>One line per message on the socket.</summary>
    public static JsonSerializerOptions Wire { get; } = Create(indented: false);

    /// <summary>What `--json` prints for people and scripts.</summary>
    public static JsonSerializerOptions Pretty { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
