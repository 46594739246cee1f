// The one egress predicate, Linux's should_deliver (net/bridge/br_forward.c):
//
//   deliver to p  iff  (p.hairpin || p != ingress)        <- reflective relay: the only hairpin term
//                 and  p is forwarding (configured so, its link up, not error-disabled)
//                 and  not (ingress.isolated and p.isolated)
//                 and  p is a member of the frame's VLAN
//
// The first three terms depend only on the pair of ports, so they are evaluated here when a
// configuration is compiled, into one 64-bit peer mask per ingress port. The VLAN term depends on
// the frame, so the data path ANDs the peer mask with the VLAN's member mask: one instruction. The
// runtime part of "p is forwarding" (a port without link, error-disabled, a mirror destination) is
// the engine's closed-ports mask, ANDed out of the same word.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Forwarding;

internal static class DeliveryRule
{
    public static bool PortPairAllowed(int ingress, PortConfig ingressPort, int egress, PortConfig egressPort) =>
        WhyNotPair(ingress, ingressPort, egress, egressPort) is null;

    /// <summary>The first term of the predicate that fails for this pair, as a drop reason; null if none.</summary>
    public static DropReason? WhyNotPair(int ingress, PortConfig ingressPort, int egress, PortConfig egressPort)
    {
        if (!(egressPort.Hairpin || egress != ingress))
        {
            return DropReason.ReflectiveRelayOff;
        }
        if (egressPort.State != PortState.Forwarding)
        {
            return DropReason.EgressPortNotForwarding;
        }
        if (ingressPort.Isolated && egressPort.Isolated)
        {
            return DropReason.Isolated;
        }
        return null;
    }

    /// <summary>
    /// Why a known-unicast frame in <paramref name="vid"/> may not go to <paramref name="egress"/> (off the
    /// fast path). <paramref name="closedPorts"/> is the runtime term (ports a protection feature took
    /// down, mirror destinations, ports without link), <paramref name="linkDownPorts"/> the part of it
    /// whose link is down: their reason is egress-link-down.
    /// </summary>
    public static DropReason WhyNot(ForwardingPlan plan, int ingress, int egress, int vid, ulong closedPorts, ulong linkDownPorts)
    {
        IReadOnlyList<PortConfig> ports = plan.Config.Ports;
        if ((uint)egress >= (uint)ports.Count)
        {
            return DropReason.EgressPortNotForwarding;
        }
        if ((linkDownPorts & (1UL << egress)) != 0)
        {
            return DropReason.EgressLinkDown;
        }
        if ((closedPorts & (1UL << egress)) != 0)
        {
            return DropReason.EgressPortNotForwarding;
        }
        return WhyNotPair(ingress, ports[ingress], egress, ports[egress]) ?? DropReason.EgressVlanFiltered;
    }
}
