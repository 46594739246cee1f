// What the uplink's EVB station looks like to management, as of its last change: published whole by
// the forwarding thread (which owns the station) and read without locks from any other thread.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.DumbVswitch.Station;

/// <summary>Immutable.</summary>
/// <param name="Mac">The station's own address: source of its LLDP and ECP frames, its chassis and port ID.</param>
/// <param name="Neighbor">The bridge heard on the uplink (its EVB TLV inside), or null.</param>
/// <param name="BridgeHeard">The bridge's EVB TLV has been heard: VDP requests go out.</param>
/// <param name="ReflectiveRelay">The bridge granted reflective relay (RRCTR).</param>
/// <param name="Vsis">One per VM with a VSI, in configuration order.</param>
public sealed record StationSnapshot(
    MacAddress Mac,
    LldpNeighbor? Neighbor,
    bool BridgeHeard,
    bool ReflectiveRelay,
    EvbTlv Local,
    EvbTimers Operational,
    IReadOnlyList<VmVsiStatus> Vsis)
{
    public VmVsiStatus? ForVm(int vm) => Vsis.FirstOrDefault(vsi => vsi.Vm == vm);
}

/// <summary>Where a VM's VSI stands, in the words `vsi show` uses.</summary>
public enum VmVsiState : byte
{
    /// <summary>The VM's port is down: nothing is asked for (a De-Associate was sent when it went down).</summary>
    Inactive,
    /// <summary>Asked for (or waiting for the bridge's EVB TLV before it can be), no answer yet.</summary>
    Pending,
    PreAssociated,
    Associated,
    Refused,
    Deassociating,
    /// <summary>The bridge de-associated it unasked; asked again after a back-off.</summary>
    Deassociated,
    TimedOut,
}

/// <param name="Vm">The VM's index in the configuration.</param>
/// <param name="Vid">The VID its frames carry on the uplink while associated (0: untagged).</param>
/// <param name="Reason">Why it passes no traffic, or what the bridge kept it despite; null when associated cleanly.</param>
/// <param name="Since">Station time when it entered <paramref name="State"/>.</param>
/// <param name="LastAnswerAt">Station time of the bridge's last answer, or null.</param>
public sealed record VmVsiStatus(
    int Vm,
    string VmName,
    VsiRequestSpec Spec,
    VmVsiState State,
    int Vid,
    string? Reason,
    TimeSpan Since,
    TimeSpan? LastAnswerAt)
{
    public bool Associated => State == VmVsiState.Associated;
}
