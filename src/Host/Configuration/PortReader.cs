// One entry of `ports:`: its attachment and every engine port setting, spelled as iproute2's
// `bridge link set` spells them where it has a word (hairpin, isolated, learning, flood, mcast_flood,
// bcast_flood, state, group_fwd_mask), the switch words otherwise. Absent keys keep the engine's defaults.
// `evb:` makes it an 802.1Qbg bridge port, whose hairpin is `auto` (negotiated) unless pinned;
// `mvrp:` makes it run MVRP.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration.Yaml;
using Hairpin.Host.Transports;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class PortReader
{
    public static (PortConfig Port, AttachSpec? Attach, EvbPortConfig? Evb, MvrpPortConfig? Mvrp)? Read(YamlNode node, int index, AttachParser attachParser, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"ports[{index}]", diagnostics) is not YamlMap map)
        {
            return null;
        }
        string? name = map.Require("name") is YamlNode nameNode && YamlMap.TryParse(nameNode, "name", ConfigScalars.Name, diagnostics, out string? parsed) ? parsed : null;
        string what = name is null ? $"ports[{index}]" : $"port {name}";
        map = YamlMap.Of(map.Node, what, diagnostics);
        map.Get("name");
        AttachSpec? attach = map.Require("attach") is YamlNode attachNode ? attachParser.Parse(attachNode, what) : null;

        var defaults = new PortConfig { Name = name ?? $"ports[{index}]" };
        HairpinMode? hairpin = map.Value("hairpin", EvbReader.ParseHairpin);
        EvbPortConfig? evb = map.Get("evb") is YamlNode evbNode ? EvbReader.ReadPort(evbNode, defaults.Name, what, diagnostics) : null;
        MvrpPortConfig? mvrp = map.Get("mvrp") is YamlNode mvrpNode ? MvrpReader.ReadPort(mvrpNode, defaults.Name, what, diagnostics) : null;
        if (hairpin == HairpinMode.Auto && evb is null && !map.Has("evb"))
        {
            diagnostics.Add(map.Get("hairpin")!, $"hairpin: auto follows the 802.1Qbg negotiation: {what} needs 'evb: bridge' (or hairpin true or false)");
        }
        PortConfig port = defaults with
        {
            State = map.Value("state", ParseState) ?? defaults.State,
            Learning = map.Bool("learning") ?? defaults.Learning,
            UnknownUnicastFlood = map.Bool("flood") ?? defaults.UnknownUnicastFlood,
            MulticastFlood = map.Bool("mcast_flood") ?? defaults.MulticastFlood,
            BroadcastFlood = map.Bool("bcast_flood") ?? defaults.BroadcastFlood,
            Isolated = map.Bool("isolated") ?? defaults.Isolated,
            Hairpin = hairpin is HairpinMode mode ? mode == HairpinMode.On : defaults.Hairpin,
            Vlans = map.Get("vlan") is YamlNode vlan ? ReadVlans(vlan, what, diagnostics) ?? defaults.Vlans : defaults.Vlans,
            MaxLearned = map.Int("max_learned", 0, int.MaxValue) ?? defaults.MaxLearned,
            GroupForwardMask = (ushort?)map.Int("group_fwd_mask", 0, 0xFFFF) ?? defaults.GroupForwardMask,
            BpduGuard = map.Bool("bpdu_guard") ?? defaults.BpduGuard,
            Security = map.Map("port_security", $"port_security of {what}") is YamlMap security ? ReadSecurity(security) : defaults.Security,
            StormControl = map.Map("storm_control", $"storm_control of {what}") is YamlMap storm ? ReadStormControl(storm) : defaults.StormControl,
            LoopDetection = map.Bool("loop_detection") ?? defaults.LoopDetection,
            IngressAcl = map.Object("ingress_acl", ConfigScalars.Name),
            EgressAcl = map.Object("egress_acl", ConfigScalars.Name),
            Qos = map.Map("qos", $"qos of {what}") is YamlMap qos ? QosReader.Read(qos) : defaults.Qos,
        };
        map.RejectUnknownKeys();

        sources.Remember($"port#{index}", node);
        sources.RememberChildren($"port#{index}", map.Node);
        if (name is not null)
        {
            sources.Remember($"port:{name}", node);
            sources.RememberChildren($"port:{name}", map.Node);
        }
        return (port, attach, evb is null ? null : evb with { Hairpin = hairpin ?? HairpinMode.Auto }, mvrp);
    }

    /// <summary>The names Linux's `bridge link set ... state` takes, or its numbers (0 disabled, 3 forwarding, 4 blocking).</summary>
    private static PortState ParseState(string text) => text switch
    {
        "forwarding" or "3" => PortState.Forwarding,
        "blocking" or "4" => PortState.Blocking,
        "disabled" or "0" => PortState.Disabled,
        "listening" or "learning" or "1" or "2" => throw new FormatException($"'{text}' is an STP transition state, which Hairpin has no use for: use forwarding, blocking or disabled"),
        _ => throw new FormatException($"'{text}' is not forwarding, blocking or disabled"),
    };

    /// <summary>`vlan: 10` or `{ access: 10 }`; `{ trunk: "10,20-30", native: 1 }` (native: the untagged PVID).</summary>
    private static PortVlans? ReadVlans(YamlNode node, string what, ConfigDiagnostics diagnostics)
    {
        if (node is YamlScalarNode)
        {
            return YamlMap.TryParse(node, "vlan", ConfigScalars.VlanId, diagnostics, out int only) ? PortVlans.Access(only) : null;
        }
        if (YamlMap.Open(node, $"vlan of {what}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        bool hasAccess = map.Has("access");
        bool hasTrunk = map.Has("trunk");
        int? access = map.Value("access", ConfigScalars.VlanId);
        VlanSet? trunk = map.Object("trunk", ConfigScalars.VlanList);
        int? native = map.Value("native", ConfigScalars.VlanId);
        map.RejectUnknownKeys();
        if (hasAccess == hasTrunk)
        {
            diagnostics.Add(node, $"vlan of {what} needs exactly one of access (one untagged VLAN) or trunk (a tagged list, e.g. \"10,20-30\")");
            return null;
        }
        if (hasAccess && map.Has("native"))
        {
            diagnostics.Add(map.KeyNode("native")!, "native is for trunks: an access port's VLAN is already untagged");
            return null;
        }
        return access is int vid ? PortVlans.Access(vid) : trunk is not null ? PortVlans.Trunk(trunk, native ?? 0) : null;
    }

    /// <summary>NX-OS `switchport port-security`: present means on, unless `enabled: false`.</summary>
    private static PortSecurity ReadSecurity(YamlMap map)
    {
        var defaults = new PortSecurity { Enabled = true };
        var allowed = new List<SecureMac>();
        foreach (YamlNode item in map.List("allowed_macs"))
        {
            if (ReadSecureMac(item, map.Diagnostics) is SecureMac secure)
            {
                allowed.Add(secure);
            }
        }
        PortSecurity security = defaults with
        {
            Enabled = map.Bool("enabled") ?? true,
            MaxMacs = map.Int("max_macs", 1, 65_536) ?? defaults.MaxMacs,
            Sticky = map.Bool("sticky") ?? defaults.Sticky,
            Violation = map.Value("violation", ParseViolation) ?? defaults.Violation,
            AllowedMacs = allowed,
        };
        map.RejectUnknownKeys();
        return security;
    }

    /// <summary>"52:54:00:00:00:0a" (in the port's PVID) or `{ mac: 52:54:00:00:00:0a, vlan: 10 }`.</summary>
    private static SecureMac? ReadSecureMac(YamlNode item, ConfigDiagnostics diagnostics)
    {
        if (item is YamlScalarNode)
        {
            return YamlMap.TryParse(item, "allowed_macs", ConfigScalars.UnicastMac, diagnostics, out var mac) ? new SecureMac(mac) : null;
        }
        if (YamlMap.Open(item, "an allowed MAC", diagnostics) is not YamlMap map)
        {
            return null;
        }
        bool hasMac = map.Require("mac") is not null;
        var parsed = map.Value("mac", ConfigScalars.UnicastMac);
        int? vid = map.Value("vlan", ConfigScalars.VlanId);
        map.RejectUnknownKeys();
        return hasMac && parsed is { } secureMac ? new SecureMac(secureMac, vid ?? 0) : null;
    }

    private static SecurityViolation ParseViolation(string text) => text switch
    {
        "drop" => SecurityViolation.Drop,
        "disable" => SecurityViolation.Disable,
        _ => throw new FormatException($"'{text}' is not drop (NX-OS restrict) or disable (NX-OS shutdown)"),
    };

    /// <summary>NX-OS `storm-control ... level pps N`: frames per second per kind; absent or 0 is no limit.</summary>
    private static StormControl ReadStormControl(YamlMap map)
    {
        var defaults = StormControl.Off;
        StormControl storm = defaults with
        {
            BroadcastPps = map.Value("broadcast", Pps) ?? defaults.BroadcastPps,
            MulticastPps = map.Value("multicast", Pps) ?? defaults.MulticastPps,
            UnknownUnicastPps = map.Value("unknown_unicast", Pps) ?? defaults.UnknownUnicastPps,
            Action = map.Value("action", ParseStormAction) ?? defaults.Action,
        };
        map.RejectUnknownKeys();
        return storm;
    }

    /// <summary>"1000" or "1000pps".</summary>
    private static long Pps(string text) =>
        ConfigScalars.Long(text.EndsWith("pps", StringComparison.Ordinal) ? text[..^3].TrimEnd() : text, 0, 1_000_000_000);

    private static StormAction ParseStormAction(string text) => text switch
    {
        "drop" => StormAction.Drop,
        "disable" => StormAction.Disable,
        _ => throw new FormatException($"'{text}' is not drop or disable (NX-OS shutdown)"),
    };
}
