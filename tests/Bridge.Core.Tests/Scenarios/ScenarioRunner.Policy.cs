// The policy statements of the scenario language: ACLs and their rules (NX-OS words: permit, deny,
// established, set-class, remark, police, mirror, count), meters (RFC 2697 srtcm / RFC 2698 trtcm in
// tc-police words: cir, cbs, ebs, pir, pbs), VM bindings, and the counters that show what they did.
using System.Globalization;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Tests.Scenarios;

public sealed partial class ScenarioRunner
{
    private readonly List<AccessList> _acls = [];
    private readonly List<MeterConfig> _meters = [];
    private readonly List<VmAclBinding> _vmAcls = [];
    private readonly List<VmPolicerBinding> _vmPolicers = [];

    /// <summary>The configuration as written so far.</summary>
    private BridgeConfig Config() => _bridge with
    {
        Ports = _ports.ToArray(),
        Acls = _acls.ToArray(),
        Meters = _meters.ToArray(),
        VmAcls = _vmAcls.ToArray(),
        VmPolicers = _vmPolicers.ToArray(),
    };

    private void PublishIfRunning()
    {
        if (_harness is not null)
        {
            Publish();
        }
    }

    // acl NAME [default permit|deny]
    private void DeclareAcl(string[] words)
    {
        if (_acls.Exists(acl => acl.Name == words[0]))
        {
            throw Fail($"acl '{words[0]}' is declared twice");
        }
        AclVerdict fallback = words.Length switch
        {
            1 => AclVerdict.Deny,
            3 when words[1] == "default" => Verdict(words[2]),
            _ => throw Fail("acl wants: acl NAME [default permit|deny]"),
        };
        _acls.Add(new AccessList { Name = words[0], DefaultVerdict = fallback });
        PublishIfRunning();
    }

    // rule ACL NAME permit|deny [match ...] [action ...]
    private void AddRule(string[] words)
    {
        if (words.Length < 3)
        {
            throw Fail("rule wants: rule ACL NAME permit|deny [match ...] [action ...]");
        }
        int index = _acls.FindIndex(acl => acl.Name == words[0]);
        if (index < 0)
        {
            throw Fail($"no acl named '{words[0]}' (declare it with `acl {words[0]}` first)");
        }
        var match = new AclMatch();
        var actions = new AclActions();
        for (int i = 3; i < words.Length; i++)
        {
            string key = words[i];
            if (key == "established")
            {
                match = match with { Established = true };
                continue;
            }
            if (i + 1 >= words.Length)
            {
                throw Fail($"rule option '{key}' needs a value");
            }
            string value = words[++i];
            switch (key)
            {
                case "in": match = match with { IngressPort = value }; break;
                case "src": match = match with { SourceMac = Mac(value) }; break;
                case "dst": match = match with { DestinationMac = Mac(value) }; break;
                case "type": match = match with { EtherType = Convert.ToUInt16(value, 16) }; break;
                case "vid": match = match with { Vid = Int(value) }; break;
                case "pcp": match = match with { Pcp = Int(value) }; break;
                case "proto": match = match with { Protocol = Protocol(value) }; break;
                case "sip": match = match with { Source = IpPrefix.Parse(value) }; break;
                case "dip": match = match with { Destination = IpPrefix.Parse(value) }; break;
                case "sport": match = match with { SourcePorts = Range(value) }; break;
                case "dport": match = match with { DestinationPorts = Range(value) }; break;
                case "dscp": match = match with { Dscp = (byte)Int(value) }; break;
                case "icmp-type": match = match with { IcmpType = (byte)Int(value) }; break;
                case "set-class": actions = actions with { TrafficClass = Int(value) }; break;
                case "remark-pcp": actions = actions with { RemarkPcp = Int(value) }; break;
                case "remark-dscp": actions = actions with { RemarkDscp = Int(value) }; break;
                case "police": actions = actions with { Police = value }; break;
                case "mirror": actions = actions with { Mirror = value }; break;
                case "count": actions = actions with { Count = value }; break;
                default: throw Fail($"unknown rule option '{key}'");
            }
        }
        var rule = new AclRule(words[1], Verdict(words[2]), match) { Actions = actions == new AclActions() ? AclActions.None : actions };
        _acls[index] = _acls[index] with { Rules = [.. _acls[index].Rules, rule] };
        PublishIfRunning();
    }

    // meter NAME srtcm cir RATE cbs BYTES [ebs BYTES] [aware] [green|yellow|red ACTION]...
    // meter NAME trtcm cir RATE cbs BYTES pir RATE pbs BYTES [aware] [green|yellow|red ACTION]...
    // ACTION: pass | drop | remark [pcp N] [dscp N]
    private void DeclareMeter(string[] words)
    {
        if (words.Length < 2 || words[1] is not ("srtcm" or "trtcm"))
        {
            throw Fail("meter wants: meter NAME srtcm|trtcm cir RATE cbs BYTES ...");
        }
        var meter = new MeterConfig { Name = words[0], Kind = words[1] == "trtcm" ? MeterKind.TwoRate : MeterKind.SingleRate };
        for (int i = 2; i < words.Length; i++)
        {
            string key = words[i];
            if (key == "aware")
            {
                meter = meter with { ColorAware = true };
                continue;
            }
            if (i + 1 >= words.Length)
            {
                throw Fail($"meter option '{key}' needs a value");
            }
            meter = key switch
            {
                "cir" => meter with { CommittedRateBitsPerSecond = Rate(words[++i]) },
                "cbs" => meter with { CommittedBurstBytes = Int(words[++i]) },
                "ebs" => meter with { ExcessBurstBytes = Int(words[++i]) },
                "pir" => meter with { PeakRateBitsPerSecond = Rate(words[++i]) },
                "pbs" => meter with { PeakBurstBytes = Int(words[++i]) },
                "green" => meter with { Green = ColorActionAt(words, ref i) },
                "yellow" => meter with { Yellow = ColorActionAt(words, ref i) },
                "red" => meter with { Red = ColorActionAt(words, ref i) },
                _ => throw Fail($"unknown meter option '{key}'"),
            };
        }
        _meters.Add(meter);
        PublishIfRunning();
    }

    /// <summary>Reads the action after a color word at <paramref name="i"/>, leaving <paramref name="i"/> on its last word.</summary>
    private ColorAction ColorActionAt(string[] words, ref int i)
    {
        switch (words[++i])
        {
            case "pass": return ColorAction.Pass;
            case "drop": return ColorAction.Drop;
            case "remark":
                int? pcp = null;
                int? dscp = null;
                while (i + 2 < words.Length && words[i + 1] is "pcp" or "dscp")
                {
                    if (words[i + 1] == "pcp")
                    {
                        pcp = Int(words[i + 2]);
                    }
                    else
                    {
                        dscp = Int(words[i + 2]);
                    }
                    i += 2;
                }
                return ColorAction.Remark(pcp, dscp);
            default: throw Fail($"a color's action is pass, drop or remark, not '{words[i]}'");
        }
    }

    // vm-acl PORT MAC ACL [vlan VID]
    private void BindVmAcl(string[] words)
    {
        _vmAcls.Add(new VmAclBinding(words[0], Mac(words[1]), words[2], VlanOf(words, 3)));
        PublishIfRunning();
    }

    // vm-policer PORT MAC METER [vlan VID]
    private void BindVmPolicer(string[] words)
    {
        _vmPolicers.Add(new VmPolicerBinding(words[0], Mac(words[1]), words[2], VlanOf(words, 3)));
        PublishIfRunning();
    }

    private int VlanOf(string[] words, int at) => words.Length switch
    {
        var n when n == at => 0,
        var n when n == at + 2 && words[at] == "vlan" => Int(words[at + 1]),
        _ => throw Fail($"expected nothing or `vlan VID` after the binding, got '{string.Join(' ', words[at..])}'"),
    };

    // counter acl ACL RULE|default VALUE | counter named NAME VALUE | counter meter METER green|yellow|red VALUE
    private long PolicyCounter(string[] words)
    {
        switch (words[0])
        {
            case "acl":
                CompiledAcl acl = Harness.Engine.Acl(words[1]) ?? throw Fail($"no acl named '{words[1]}' is bound to anything in the running configuration");
                int rule = words[2] == "default" ? acl.Acl.Rules.Count : IndexOfRule(acl.Acl, words[2]);
                return acl.HitFrames(rule);
            case "named":
                return Harness.Engine.NamedCounter(words[1]).Frames;
            default:
                Policer policer = Harness.Engine.Policer(words[1]) ?? throw Fail($"no meter named '{words[1]}' in the running configuration");
                return policer.Frames(Enum.Parse<MeterColor>(words[2], ignoreCase: true));
        }
    }

    private int IndexOfRule(AccessList acl, string name)
    {
        int index = acl.Rules.ToList().FindIndex(rule => rule.Name == name);
        return index >= 0 ? index : throw Fail($"acl {acl.Name} has no rule named '{name}'");
    }

    private AclVerdict Verdict(string word) => word switch
    {
        "permit" => AclVerdict.Permit,
        "deny" => AclVerdict.Deny,
        _ => throw Fail($"expected permit or deny, got '{word}'"),
    };

    private byte Protocol(string word) => word switch
    {
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        _ => byte.TryParse(word, CultureInfo.InvariantCulture, out byte number) ? number : throw Fail($"unknown protocol '{word}'"),
    };

    // N or N-M
    private PortRange Range(string word)
    {
        string[] parts = word.Split('-');
        return new PortRange((ushort)Int(parts[0]), (ushort)Int(parts[^1]));
    }

    // bits per second, with an optional k, m or g (powers of 1000, as tc's kbit/mbit/gbit)
    private long Rate(string word)
    {
        long scale = char.ToLowerInvariant(word[^1]) switch
        {
            'k' => 1_000,
            'm' => 1_000_000,
            'g' => 1_000_000_000,
            _ => 1,
        };
        string digits = scale == 1 ? word : word[..^1];
        return long.TryParse(digits, CultureInfo.InvariantCulture, out long value) ? value * scale : throw Fail($"'{word}' is not a rate");
    }

    private int Int(string word) =>
        int.TryParse(word, CultureInfo.InvariantCulture, out int value) ? value : throw Fail($"'{word}' is not a number");

    private static int DscpOf(byte[] frame) => DscpRewriter.Read(frame);
}
