// What the bridge does with a frame to a reserved link-local group address, IEEE 802.1Q-2018
// Table 8-1 (01-80-C2-00-00-00 .. 0F). A bridge never relays these as ordinary multicast: they belong
// to the link (STP/RSTP BPDUs and 802.1Qbg EVB/ECP/VDP at ...00, pause at ...01, LACP ...02,
// 802.1X ...03, LLDP ...0E ...). As in Linux (br_input.c), the ingress port's group_fwd_mask may
// release an address for normal flooding, except pause, which is always dropped.
namespace Hairpin.Bridge.Core.Forwarding;

internal enum LinkLocalAction : byte
{
    /// <summary>Hand to the control plane queue (LLDP, BPDU guard, EVB will consume it).</summary>
    Trap,
    /// <summary>Released by the port's group forward mask: forward like any multicast.</summary>
    Forward,
    /// <summary>MAC control (pause): never forwarded, never trapped.</summary>
    Drop,
}

internal static class LinkLocalPolicy
{
    private const int PauseIndex = 0x01;

    public static LinkLocalAction Decide(int addressIndex, ushort groupForwardMask)
    {
        if (addressIndex == PauseIndex)
        {
            return LinkLocalAction.Drop;
        }
        return (groupForwardMask & (1 << addressIndex)) != 0 ? LinkLocalAction.Forward : LinkLocalAction.Trap;
    }
}
