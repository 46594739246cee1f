// Every reason the dumb vswitch drops a frame or a copy of one: one enum, each member counted per
// port, so that received = delivered + dropped always balances (the bridge's DropReason, VEPA-sized).
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.DumbVswitch.Vepa;

public enum VepaDropReason : byte
{
    // Counted on the port the frame came in on.
    /// <summary>Not readable as Ethernet (runt, cut-short tag, bad 802.3 length, VID 4095) or larger than a slot.</summary>
    Malformed,
    /// <summary>IEEE 802.3x PAUSE: link-local flow control, never relayed (macvlan drops it too).</summary>
    PauseFrame,
    /// <summary>A VM sent a source MAC other than its own, with anti-spoofing on.</summary>
    SpoofedSource,
    /// <summary>A VM without an access VLAN sent a VLAN-tagged frame: it would land in someone else's VLAN.</summary>
    TaggedFromUntaggedVm,
    /// <summary>A VM's frame plus the access VLAN tag would not fit the largest frame the ports carry.</summary>
    TooLargeToTag,
    /// <summary>Unicast from the uplink to a MAC that no VM of the frame's VLAN has.</summary>
    UnknownUnicast,
    /// <summary>From the uplink, in a VLAN (or untagged) where no VM is, or (a group frame) where every VM but its sender is down.</summary>
    NoVmInVlan,
    /// <summary>Broadcast/multicast from the uplink whose only VM in the VLAN is its sender: the sender's own reflection.</summary>
    OwnReflection,
    /// <summary>From a VM with a VSI the bridge does not (yet) hold associated, or unicast from the uplink to one.</summary>
    VsiNotAssociated,
    /// <summary>A VM's frame to 01-80-C2-00-00-00 while the uplink is an EVB station: only the station speaks LLDP, ECP and VDP there.</summary>
    NearestBridgeAddress,

    // Counted on the port a copy was meant for.
    /// <summary>The port's egress queue was full (a stream port backed up by a peer that reads slower than the switch sends).</summary>
    QueueFull,
    /// <summary>The port's peer is not there (interface gone, VM stopped).</summary>
    PortDown,
    /// <summary>No frame buffer was free for the copy (the bridge's pool-exhausted).</summary>
    PoolExhausted,
}

public static class VepaDropReasons
{
    public static readonly int Count = Enum.GetValues<VepaDropReason>().Length;

    /// <summary>Lower-case, hyphenated names for CLIs and metrics, e.g. "spoofed-source".</summary>
    public static string Name(VepaDropReason reason) => KebabNames.Of(reason);

    /// <summary>True for reasons counted on the egress port (a copy), false for those counted where the frame came in.</summary>
    public static bool IsEgress(VepaDropReason reason) => reason is VepaDropReason.QueueFull or VepaDropReason.PortDown or VepaDropReason.PoolExhausted;
}
