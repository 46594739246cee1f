// `acls:`: named, ordered rule lists as NX-OS writes them (first match wins, implicit deny unless
// `default: permit`). A rule is one flat mapping: name, action, the fields it matches, and what a
// permit does besides permitting (set_class, remark_pcp, remark_dscp, police, mirror, count).
using Hairpin.Bridge.Core.Acl;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class AclReader
{
    private static readonly string[] ActionKeys = ["set_class", "remark_pcp", "remark_dscp", "police", "mirror", "count"];

    public static AccessList? Read(YamlNode node, int index, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"acls[{index}]", diagnostics) is not YamlMap map)
        {
            return null;
        }
        string? name = map.Require("name") is YamlNode nameNode && YamlMap.TryParse(nameNode, "name", ConfigScalars.Name, diagnostics, out string? parsed) ? parsed : null;
        string what = name is null ? $"acls[{index}]" : $"acl {name}";
        var defaults = new AccessList { Name = name ?? what };
        var rules = new List<AclRule>();
        IReadOnlyList<YamlNode> ruleNodes = map.List("rules");
        for (int i = 0; i < ruleNodes.Count; i++)
        {
            if (ReadRule(ruleNodes[i], i, what, diagnostics) is AclRule rule)
            {
                rules.Add(rule);
            }
            // The engine numbers rules from 1, as its messages do.
            sources.Remember($"acl:{defaults.Name}/rule:{i + 1}", ruleNodes[i]);
        }
        AccessList acl = defaults with
        {
            Rules = rules,
            DefaultVerdict = map.Value("default", AclWords.Verdict) ?? defaults.DefaultVerdict,
        };
        map.RejectUnknownKeys();
        sources.Remember($"acl:{defaults.Name}", node);
        return name is null || rules.Count != ruleNodes.Count ? null : acl;
    }

    private static AclRule? ReadRule(YamlNode node, int index, string acl, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"rule {index + 1} of {acl}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        // Unnamed rules are named by position, as NX-OS numbers them.
        string name = map.Object("name", ConfigScalars.Name) ?? $"{index + 1}";
        AclVerdict? verdict = map.Require("action") is not null ? map.Value("action", AclWords.Verdict) : null;
        AclMatch match = ReadMatch(map);
        AclActions actions = ReadActions(map);
        map.RejectUnknownKeys();
        if (verdict == AclVerdict.Deny && !actions.IsNone)
        {
            string key = ActionKeys.First(map.Has);
            diagnostics.Add(map.KeyNode(key)!, $"{key} on a deny rule would never run: deny only drops and counts");
        }
        return verdict is AclVerdict v && diagnostics.Count == errorsBefore ? new AclRule(name, v, match) { Actions = actions } : null;
    }

    private static AclMatch ReadMatch(YamlMap map)
    {
        var defaults = new AclMatch();
        var source = map.Value("src_mac", ConfigScalars.MacWithMask);
        var destination = map.Value("dst_mac", ConfigScalars.MacWithMask);
        (byte Flags, byte Mask)? tcpFlags = map.Value("tcp_flags", AclWords.TcpFlagMatch);
        return defaults with
        {
            IngressPort = map.Object("in", ConfigScalars.Name),
            SourceMac = source?.Mac,
            SourceMacMask = source?.Mask ?? defaults.SourceMacMask,
            DestinationMac = destination?.Mac,
            DestinationMacMask = destination?.Mask ?? defaults.DestinationMacMask,
            EtherType = map.Value("ethertype", AclWords.EtherType),
            Vid = map.Value("vid", ConfigScalars.VlanId),
            Pcp = map.Int("pcp", 0, 7),
            ArpOpcode = map.Value("arp_opcode", AclWords.ArpOpcode),
            Source = map.Value("src_ip", AclWords.Prefix),
            Destination = map.Value("dst_ip", AclWords.Prefix),
            Protocol = map.Value("protocol", AclWords.Protocol),
            Dscp = map.Value("dscp", AclWords.Dscp),
            SourcePorts = map.Value("sport", AclWords.PortRange),
            DestinationPorts = map.Value("dport", AclWords.PortRange),
            TcpFlags = tcpFlags?.Flags,
            TcpFlagsMask = tcpFlags?.Mask ?? defaults.TcpFlagsMask,
            Established = map.Bool("established") ?? defaults.Established,
            IcmpType = (byte?)map.Int("icmp_type", 0, 255),
            IcmpCode = (byte?)map.Int("icmp_code", 0, 255),
        };
    }

    private static AclActions ReadActions(YamlMap map)
    {
        var actions = new AclActions
        {
            TrafficClass = map.Int("set_class", 0, 7),
            RemarkPcp = map.Int("remark_pcp", 0, 7),
            RemarkDscp = map.Value("remark_dscp", AclWords.Dscp),
            Police = map.Object("police", ConfigScalars.Name),
            Mirror = map.Object("mirror", ConfigScalars.Name),
            Count = map.Object("count", ConfigScalars.Name),
        };
        // Records compare by value: a rule with no actions must be the shared None to read as none.
        return actions == AclActions.None ? AclActions.None : actions;
    }
}
