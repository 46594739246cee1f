// The one JSON shape shared by the socket protocol and `--json` output: camelCase members, enums as
// kebab-case strings ("error-disabled", "mcast-flood"), nulls written out so every key is always there.
// The server reads strictly: a missing or null non-nullable member or an unknown one is a malformed
// request, not a silent default. The client reads answers leniently about unknown members, so a newer
// server may add fields without breaking older CLIs.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hairpin.Host.Management;

public static class ManagementJson
{
    /// <summary>One line per message on the socket; what the server reads requests with.</summary>
    public static JsonSerializerOptions Wire { get; } = Create(indented: false, strict: true);

    /// <summary>What the client reads answers with.</summary>
    public static JsonSerializerOptions Answers { get; } = Create(indented: false, strict: false);

    /// <summary>What `--json` prints for people and scripts.</summary>
    public static JsonSerializerOptions Pretty { get; } = Create(indented: true, strict: true);

    private static JsonSerializerOptions Create(bool indented, bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
