// Every reason the bridge drops a frame or a copy of one. One enum, each member counted per port,
// so `hairpin stats` can always say where a frame went (VPP's foreach_l2fwd_error, REFLECT_DROP).
// The numbers are on the wire (IPFIX's drop-reason element): append new members, never insert.
namespace Hairpin.Bridge.Core.Counters;

public enum DropReason : byte
{
    // Malformed input: the frame cannot be read as Ethernet.
    MalformedRunt,
    MalformedOversized,
    MalformedTruncatedTag,
    MalformedLengthField,
    MalformedTruncatedPayload,
    /// <summary>VID 4095 is reserved by 802.1Q and never carried.</summary>
    MalformedReservedVid,

    // Ingress checks, in the order the engine applies them.
    InvalidSourceMac,
    /// <summary>The port is error-disabled (BPDU guard, port security) until it recovers.</summary>
    PortErrorDisabled,
    /// <summary>One of this bridge's own loop probes came back: a loop.</summary>
    LoopProbeReturned,
    /// <summary>A flooded frame this bridge had just reflected out of the port came straight back in.</summary>
    PingPong,
    PauseFrame,
    /// <summary>An STP/RSTP BPDU on a port with BPDU guard: the frame is dropped and the port error-disabled.</summary>
    BpduGuard,
    IngressPortDisabled,
    IngressPortBlocking,
    /// <summary>VLAN hopping guard: a tagged (not priority-tagged) frame on an access port.</summary>
    TaggedOnAccessPort,
    /// <summary>VLAN hopping guard: two stacked tags on an access port.</summary>
    StackedTagsOnAccessPort,
    NoPvid,
    IngressVlanFiltered,
    /// <summary>802.1Qbg: on a port that enforces VSI admission, a (VID, source MAC) no VSI associated there.</summary>
    VsiNotAssociated,
    /// <summary>An ACL (on the port, or bound to the VM) said deny.</summary>
    AclDenied,
    /// <summary>An ACL applies but the frame's IP/transport headers cannot be read: dropped, not waved through.</summary>
    MalformedHeaders,
    /// <summary>A source MAC beyond what port security allows.</summary>
    PortSecurityViolation,
    /// <summary>A policer (port, VM or ACL rule) colored the frame and its action for that color is drop.</summary>
    Policed,

    // Forwarding decision.
    /// <summary>Known unicast to a MAC learned on the ingress port, which has hairpin off.</summary>
    ReflectiveRelayOff,
    EgressPortNotForwarding,
    EgressVlanFiltered,
    /// <summary>Both the ingress and the egress port are isolated.</summary>
    Isolated,
    /// <summary>Flooded, but no port was eligible for a copy.</summary>
    NoEligiblePort,
    /// <summary>Over the port's storm-control rate for broadcast, multicast or unknown unicast.</summary>
    StormBroadcast,
    StormMulticast,
    StormUnknownUnicast,

    // Resources (counted per egress copy where a copy was being made).
    PoolExhausted,
    EgressQueueFull,
    /// <summary>A tag had to be pushed but the buffer had no headroom left (a receiver that bypassed the pool).</summary>
    NoHeadroom,
    ControlPlaneQueueFull,
    UnknownIngressPort,

    // Added later, at the end: a member's number is exported (IPFIX's drop-reason element,
    // specs/flow-export.md), so new reasons are appended, never inserted.
    /// <summary>The port is a mirroring session's destination: it sends mirror copies only and hears nothing (as an NX-OS SPAN destination).</summary>
    MonitorDestination,
    /// <summary>An MVRPDU on a port that does not run MVRP, on a bridge that does (MvrpFrames.Discard).</summary>
    MvrpOffOnPort,
    /// <summary>The port's link is down (no carrier, no peer): it hears nothing, as a disabled port (the Linux bridge disables a port on carrier loss).</summary>
    IngressLinkDown,
    /// <summary>Known unicast to a port whose link is down (an operator's static or sticky entry there): not delivered, as Linux's should_deliver skips a disabled port.</summary>
    EgressLinkDown,
}

public static class DropReasons
{
    public static readonly int Count = Enum.GetValues<DropReason>().Length;

    /// <summary>Lower-case, hyphenated names for CLIs and metrics, e.g. "reflective-relay-off".</summary>
    public static string Name(DropReason reason) => KebabNames.Of(reason);
}
