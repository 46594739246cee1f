// The 802.1Qbg keys of the dumb vswitch's file: `evb:` (the uplink as a station, with the timer
// exponents the bridge's `evb:` has) and a VM's `vsi:` (type, version, UUID, manager), located errors
// as everywhere else.
using Hairpin.Host.Configuration;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.DumbVswitch.Configuration;

internal static class StationConfigReader
{

    /// <summary>`evb: station` or `evb: { role: station, max_retries, retransmit_exponent, resource_wait_exponent, keep_alive_exponent, mac }`.</summary>
    public static StationConfig? ReadEvb(YamlNode node, ConfigDiagnostics diagnostics)
    {
        var defaults = new StationConfig();
        if (node is YamlScalarNode)
        {
            return YamlMap.TryParse(node, "evb", ParseRole, diagnostics, out _) ? defaults : null;
        }
        if (YamlMap.Open(node, "evb", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        if (map.Get("role") is YamlNode role)
        {
            YamlMap.TryParse(role, "role", ParseRole, diagnostics, out _);
        }
        (int r, int rte, int rwd, int rka) = EvbReader.Timers(map, (defaults.MaxRetries, defaults.RetransmitExponent, defaults.ResourceWaitExponent, defaults.KeepAliveExponent));
        StationConfig evb = defaults with
        {
            MaxRetries = r,
            RetransmitExponent = rte,
            ResourceWaitExponent = rwd,
            KeepAliveExponent = rka,
            Mac = map.Value("mac", ConfigScalars.UnicastMac),
        };
        map.RejectUnknownKeys();
        return diagnostics.Count == errorsBefore ? evb : null;
    }

    /// <summary>A VM's `vsi: { type, version, uuid, manager }`; type and uuid are required.</summary>
    public static VsiConfig? ReadVsi(YamlNode node, string vm, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"vsi of {vm}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        map.Require("type");
        map.Require("uuid");
        int? type = map.Int("type", 0, EvbReader.MaxTypeId);
        int version = map.Int("version", 0, 255) ?? 0;
        Guid? uuid = map.Value("uuid", ParseUuid);
        string manager = map.Object("manager", EvbReader.ParseManager) ?? VsiConfig.DefaultManager;
        map.RejectUnknownKeys();
        return diagnostics.Count == errorsBefore && type is int typeId && uuid is Guid id ? new VsiConfig(typeId, version, id, manager) : null;
    }

    private static string ParseRole(string text) => text switch
    {
        "station" => text,
        "bridge" => throw new FormatException("the dumb vswitch's uplink is a station; 'bridge' is a role of hairpin's ports"),
        _ => throw new FormatException($"'{text}' is not an EVB role: use station"),
    };

    private static Guid ParseUuid(string text) =>
        Guid.TryParseExact(text, "D", out Guid uuid) ? uuid : throw new FormatException($"'{text}' is not a UUID (8-4-4-4-12 hex digits)");
}
