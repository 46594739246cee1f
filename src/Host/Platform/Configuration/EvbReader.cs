// The 802.1Qbg keys of the file: `evb:` on a port (`bridge`, or a mapping with the timer exponents
// and the VSI limit) and the `vsi_types:` list, Hairpin's port profiles.
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

public static class EvbReader
{
    /// <summary>The largest VSI type ID: it is three bytes on the wire.</summary>
    public const int MaxTypeId = 0xFF_FFFF;

    /// <summary>`evb: bridge` or `evb: { role: bridge, max_retries, retransmit_exponent, resource_wait_exponent, keep_alive_exponent, max_vsis }`.</summary>
    public static EvbPortConfig? ReadPort(YamlNode node, string port, string what, ConfigDiagnostics diagnostics)
    {
        var defaults = new EvbPortConfig { Port = port };
        if (node is YamlScalarNode)
        {
            return YamlMap.TryParse(node, "evb", ParseRole, diagnostics, out _) ? defaults : null;
        }
        if (YamlMap.Open(node, $"evb of {what}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        if (map.Require("role") is YamlNode role)
        {
            YamlMap.TryParse(role, "role", ParseRole, diagnostics, out _);
        }
        (int r, int rte, int rwd, int rka) = Timers(map, (defaults.MaxRetries, defaults.RetransmitExponent, defaults.ResourceWaitExponent, defaults.KeepAliveExponent));
        EvbPortConfig evb = defaults with
        {
            MaxRetries = r,
            RetransmitExponent = rte,
            ResourceWaitExponent = rwd,
            KeepAliveExponent = rka,
            MaxVsis = map.Int("max_vsis", 1, 4096) ?? defaults.MaxVsis,
        };
        map.RejectUnknownKeys();
        return diagnostics.Count == errorsBefore ? evb : null;
    }

    /// <summary>
    /// The EVB timer keys both roles' `evb:` take (R and the RTE, RWD, RKA exponents of 802.1Qbg
    /// D.2.13, lldptool's ecpretries/ecprte/vdprwd/vdprka), each absent one at its default.
    /// </summary>
    public static (int MaxRetries, int RetransmitExponent, int ResourceWaitExponent, int KeepAliveExponent) Timers(
        YamlMap map, (int MaxRetries, int RetransmitExponent, int ResourceWaitExponent, int KeepAliveExponent) defaults)
    {
        ArgumentNullException.ThrowIfNull(map);
        return (map.Int("max_retries", 0, 7) ?? defaults.MaxRetries,
            map.Int("retransmit_exponent", 0, 31) ?? defaults.RetransmitExponent,
            map.Int("resource_wait_exponent", 0, 31) ?? defaults.ResourceWaitExponent,
            map.Int("keep_alive_exponent", 0, 31) ?? defaults.KeepAliveExponent);
    }

    /// <summary>`hairpin: true|false|auto` (auto only on an `evb:` port; checked by the caller).</summary>
    public static HairpinMode ParseHairpin(string text) => text switch
    {
        "auto" => HairpinMode.Auto,
        _ => ConfigScalars.Bool(text) ? HairpinMode.On : HairpinMode.Off,
    };

    /// <summary>One `vsi_types:` item: `{ id, version, vlan, acl, meter, max_macs, managers }`.</summary>
    public static VsiTypeConfig? ReadType(YamlNode node, int index, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"vsi_types[{index}]", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        map.Require("id");
        map.Require("vlan");
        int? id = map.Int("id", 0, MaxTypeId);
        int version = map.Int("version", 0, 255) ?? 0;
        int? vlan = map.Value("vlan", ConfigScalars.VlanId);
        string? acl = map.Object("acl", ConfigScalars.Name);
        string? meter = map.Object("meter", ConfigScalars.Name);
        int maxMacs = map.Int("max_macs", 0, 4096) ?? 0;
        var managers = new List<string>();
        foreach (YamlNode item in map.List("managers"))
        {
            if (YamlMap.TryParse(item, "managers", ParseManager, diagnostics, out string? manager))
            {
                managers.Add(manager!);
            }
        }
        map.RejectUnknownKeys();
        if (diagnostics.Count != errorsBefore || id is not int typeId || vlan is not int vid)
        {
            return null;
        }
        sources.Remember($"vsi_type:{typeId}/{version}", node);
        sources.RememberChildren($"vsi_type:{typeId}/{version}", map.Node);
        return new VsiTypeConfig { Id = typeId, Version = version, Vlan = vid, Acl = acl, Meter = meter, MaxMacs = maxMacs, Managers = managers };
    }

    /// <summary>
    /// What only the whole file can say: each (id, version) once, and every ACL and meter a type names
    /// defined. Located at the type's key.
    /// </summary>
    public static void CheckTypes(IReadOnlyList<VsiTypeConfig> types, ISet<string> acls, ISet<string> meters, ConfigSourceMap sources, ConfigDiagnostics diagnostics, YamlNode root)
    {
        foreach (VsiTypeProblem problem in TypeProblems(types, acls, meters))
        {
            VsiTypeConfig type = problem.Type;
            YamlNode where = sources.Last($"vsi_type:{type.Id}/{type.Version}") ?? root;
            if (problem.Key is string key)
            {
                diagnostics.Add(sources.First($"vsi_type:{type.Id}/{type.Version}/{key}") ?? where, $"vsi type {type.Id}: no {key} named '{problem.Name}'");
            }
            else
            {
                diagnostics.Add(where, $"vsi_types: {type.Describe()} is defined twice");
            }
        }
    }

    /// <summary>
    /// The rules every list of VSI types must meet wherever it comes from (the file, a shared store):
    /// each (id, version) once, every ACL and meter a type names among <paramref name="acls"/> and
    /// <paramref name="meters"/>. In the list's order.
    /// </summary>
    public static IEnumerable<VsiTypeProblem> TypeProblems(IReadOnlyList<VsiTypeConfig> types, ISet<string> acls, ISet<string> meters)
    {
        var seen = new HashSet<(int, int)>();
        foreach (VsiTypeConfig type in types)
        {
            if (!seen.Add((type.Id, type.Version)))
            {
                yield return new VsiTypeProblem(type, null, "");
            }
            if (type.Acl is string acl && !acls.Contains(acl))
            {
                yield return new VsiTypeProblem(type, "acl", acl);
            }
            if (type.Meter is string meter && !meters.Contains(meter))
            {
                yield return new VsiTypeProblem(type, "meter", meter);
            }
        }
    }

    private static string ParseRole(string text) => text switch
    {
        "bridge" => text,
        "station" => throw new FormatException("'station' is the dumb vswitch's role (its uplink's `evb`): a hairpin bridge port is 'bridge'"),
        _ => throw new FormatException($"'{text}' is not an EVB role: use bridge"),
    };

    /// <summary>A VSI manager ID is 16 bytes on the wire; lldpad's mgrid2 is text, NUL-padded.</summary>
    public static string ParseManager(string text) =>
        text.Length is > 0 and <= 16 && text.All(c => c is > ' ' and < (char)0x7F)
            ? text
            : throw new FormatException($"'{text}' is not a VSI manager ID (1 to 16 printable ASCII characters)");
}

/// <summary>A VSI type breaking a rule: defined twice (<paramref name="Key"/> null), or naming an ACL or meter (<paramref name="Key"/> "acl" or "meter") that is not there.</summary>
public sealed record VsiTypeProblem(VsiTypeConfig Type, string? Key, string Name);
