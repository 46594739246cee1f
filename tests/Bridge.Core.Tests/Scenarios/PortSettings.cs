// Applies `bridge link set`-style words (hairpin on, mcast_flood off, pvid 10 ...) and the port's policy
// bindings (ingress_acl NAME, trust dscp, policer METER ...) to a PortConfig.
using Hairpin.Bridge.Core.Configuration;

namespace Hairpin.Bridge.Core.Tests.Scenarios;

internal static class PortSettings
{
    public static PortConfig Apply(PortConfig port, IReadOnlyList<string> words, Func<string, Exception> fail)
    {
        for (int i = 0; i < words.Count; i += 2)
        {
            if (i + 1 >= words.Count)
            {
                throw fail($"setting '{words[i]}' needs a value");
            }
            string key = words[i];
            string value = words[i + 1];
            port = key switch
            {
                "hairpin" => port with { Hairpin = OnOff(value, fail) },
                "isolated" => port with { Isolated = OnOff(value, fail) },
                "learning" => port with { Learning = OnOff(value, fail) },
                "flood" => port with { UnknownUnicastFlood = OnOff(value, fail) },
                "mcast_flood" => port with { MulticastFlood = OnOff(value, fail) },
                "bcast_flood" => port with { BroadcastFlood = OnOff(value, fail) },
                "state" => port with { State = Enum.Parse<PortState>(value, ignoreCase: true) },
                "max_learned" => port with { MaxLearned = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "group_fwd_mask" => port with { GroupForwardMask = Convert.ToUInt16(value, 16) },
                "storm_bcast" => port with { StormControl = port.StormControl with { BroadcastPps = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) } },
                "storm_mcast" => port with { StormControl = port.StormControl with { MulticastPps = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) } },
                "storm_unknown" => port with { StormControl = port.StormControl with { UnknownUnicastPps = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) } },
                "storm_action" => port with { StormControl = port.StormControl with { Action = Enum.Parse<StormAction>(value, ignoreCase: true) } },
                "bpdu_guard" => port with { BpduGuard = OnOff(value, fail) },
                "port_security" => port with { Security = port.Security with { Enabled = OnOff(value, fail) } },
                "max_macs" => port with { Security = port.Security with { MaxMacs = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) } },
                "violation" => port with { Security = port.Security with { Violation = Enum.Parse<SecurityViolation>(value, ignoreCase: true) } },
                "sticky" => port with { Security = port.Security with { Sticky = OnOff(value, fail) } },
                "secure_mac" => port with { Security = port.Security with { AllowedMacs = [.. port.Security.AllowedMacs, SecureMacOf(value)] } },
                "access" => port with { Vlans = PortVlans.Access(Number(value)) },
                "trunk" => port with { Vlans = PortVlans.Trunk(VlanSet.Parse(value)) },
                "native" => port with { Vlans = PortVlans.Trunk(port.Vlans.Members, Number(value)) },
                "vlans" => port with { Vlans = port.Vlans with { Members = VlanSet.Parse(value) } },
                "pvid" => port with { Vlans = port.Vlans with { Pvid = value == "none" ? 0 : Number(value) } },
                "untagged" => port with { Vlans = port.Vlans with { Untagged = value == "none" ? VlanSet.Empty : VlanSet.Parse(value) } },
                "ingress_acl" => port with { IngressAcl = value == "none" ? null : value },
                "egress_acl" => port with { EgressAcl = value == "none" ? null : value },
                "trust" => port with { Qos = port.Qos with { Trust = Enum.Parse<QosTrust>(value, ignoreCase: true) } },
                "default_priority" => port with { Qos = port.Qos with { DefaultPriority = Number(value) } },
                "policer" => port with { Qos = port.Qos with { Policer = value == "none" ? null : value } },
                _ => throw fail($"unknown port setting '{key}'"),
            };
        }
        return port;
    }

    // MAC or MAC/VID
    private static SecureMac SecureMacOf(string value)
    {
        string[] parts = value.Split('/');
        return new SecureMac(Hairpin.Bridge.Core.Headers.MacAddress.Parse(parts[0]), parts.Length > 1 ? Number(parts[1]) : 0);
    }

    private static int Number(string value) => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    private static bool OnOff(string value, Func<string, Exception> fail) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw fail($"expected on or off, got '{value}'"),
    };
}
