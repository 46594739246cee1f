// One port as `link show` reports it: what it is configured to do, what it is doing, and its main
// counters. Plain values (names, strings) so the dumb vswitch can fill it without the engine.
namespace Hairpin.Host.Management;

public enum PortOperState
{
    Forwarding,
    Blocking,
    Disabled,
    /// <summary>Shut by a protection feature; <see cref="PortInfo.ErrorDisableCause"/> says which.</summary>
    ErrorDisabled,
    /// <summary>Its loop-detected hold is over; it probes for the loop before it forwards (<see cref="PortInfo.ErrorDisableCause"/>: loop-detected).</summary>
    Probing,
}

public enum LinkState
{
    Unknown,
    Up,
    Down,
}

/// <param name="Name">Port name, as in the config file.</param>
/// <param name="State">What the port does now (error-disabled wins over the configured state).</param>
/// <param name="ErrorDisableCause">
/// Kebab-case cause ("bpdu-guard", "port-security", ...) when error-disabled or probing; why a port is
/// blocking when a reason other than its configuration holds it (the dumb vswitch: "vsi-pending",
/// "vsi-refused", ... for a VM whose VSI is not associated); else null.
/// </param>
/// <param name="Link">Whether the port's attachment (tap, AF_PACKET socket, ...) is there and, for an interface, has carrier.</param>
/// <param name="Vlans">Member VIDs as ranges, e.g. "1,10-20"; empty for none.</param>
/// <param name="Untagged">Member VIDs that leave untagged, same form.</param>
/// <param name="Attach">Where the port attaches, as the config file says it (e.g. "tap:vnet0").</param>
/// <param name="Rx">Frames the peer sent (as in `stats`: handed over by the kernel, or dropped by it for us).</param>
/// <param name="Tx">Frames that actually left by the port.</param>
/// <param name="Evb">On an `evb:` port, how its hairpin is decided and what the negotiation says; else null.</param>
/// <param name="LinkDownReason">Why the link is down ("no carrier", "no interface eth1", "stopped", ...); null while up.</param>
public sealed record PortInfo(
    string Name,
    PortOperState State,
    string? ErrorDisableCause,
    LinkState Link,
    PortFlags Flags,
    int Pvid,
    string Vlans,
    string Untagged,
    string Attach,
    TrafficCounters Rx,
    TrafficCounters Tx,
    PortEvbInfo? Evb = null,
    string? LinkDownReason = null);

/// <param name="Hairpin">auto (follows the negotiation), on or off (pinned by the operator).</param>
/// <param name="Negotiated">Whether the station's EVB TLV asked for reflective relay (and we granted it).</param>
/// <param name="Vsis">VSIs associated on the port.</param>
public sealed record PortEvbInfo(string Hairpin, bool Negotiated, int Vsis);

/// <summary>The per-port switches `link set` changes, named as `bridge link set` names them.</summary>
public sealed record PortFlags(
    bool Hairpin,
    bool Isolated,
    bool Learning,
    bool Flood,
    bool McastFlood,
    bool BcastFlood,
    bool BpduGuard);

public sealed record TrafficCounters(long Frames, long Bytes);
