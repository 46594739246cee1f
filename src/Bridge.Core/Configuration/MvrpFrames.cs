// What a port does with frames to the MVRP address (01-80-C2-00-00-21). It is not one of the reserved
// 01-80-C2-00-00-0X addresses, so a bridge that runs no MVRP relays it as any multicast (802.1Q Table
// 8-1, and what the Linux bridge does); a bridge that runs MVRP consumes it on its MVRP ports and
// discards it elsewhere, so one port's declarations never reach a participant behind another as if
// they came from this bridge (802.1Q 10.? MRP application disabled on a port: MRPDUs discarded).
namespace Hairpin.Bridge.Core.Configuration;

public enum MvrpFrames : byte
{
    /// <summary>The bridge runs no MVRP: relayed as multicast.</summary>
    Relay,
    /// <summary>The port runs MVRP: trapped to the control plane.</summary>
    Trap,
    /// <summary>The bridge runs MVRP, this port does not: dropped (`mvrp-off-on-port`).</summary>
    Discard,
}
