// What `lldp neighbors` and `vsi show` report: the 802.1Qbg control plane of a port as an operator
// reads it (lldptool's and vdptool's words where they have one). Plain values, so both programs (the
// bridge role and the dumb vswitch's station role) fill them the same way.
namespace Hairpin.Host.Management;

/// <summary>The LLDP neighbour heard on a port (`lldp neighbors`).</summary>
/// <param name="TtlLeft">Seconds until the neighbour ages out unless it speaks again.</param>
/// <param name="Evb">Its EVB TLV decoded, or null when it sent none.</param>
public sealed record LldpNeighborInfo(string Port, string Source, string ChassisId, string PortId, int Ttl, int TtlLeft, EvbTlvInfo? Evb);

/// <summary>An EVB TLV as lldptool prints it: `bridge:rrcap,rrctr`, `station:rrreq,rrstat=enabled`, timers as exponents.</summary>
public sealed record EvbTlvInfo(string Bridge, string Station, int Retries, int RetransmitExponent, string Mode, int ResourceWaitExponent, int KeepAliveExponent);

/// <summary>One VSI (a VM) associated, pending or refused on a port (`vsi show`).</summary>
/// <param name="Format">The VSIID format: ipv4, ipv6, mac, local or uuid.</param>
/// <param name="State">pre-associated, pre-associated-rr, associated, pending, refused.</param>
/// <param name="Reason">Why it was refused or is not yet associated; null when associated.</param>
/// <param name="Age">Seconds since it was associated (or first asked for).</param>
/// <param name="LastKeepAlive">Seconds since its last keep-alive, or null before the first.</param>
/// <param name="Appliance">The appliance it is on, as the VSI store names it; null where no store is kept (the dumb vswitch's station).</param>
public sealed record VsiInfo(
    string VsiId,
    string Format,
    int TypeId,
    int TypeVersion,
    string? Manager,
    IReadOnlyList<VsiFilterInfo> Filter,
    string Port,
    string State,
    string? Reason,
    double Age,
    double? LastKeepAlive,
    VsiTrafficInfo Counters,
    string? Appliance = null);

/// <param name="Mac">The VM's MAC, or null for a VID-only filter.</param>
public sealed record VsiFilterInfo(string? Mac, int Vid);

/// <summary>One move of a VSI, as the VSI store recorded it (`vsi history`).</summary>
/// <param name="From">"appliance/port" it left; null when it was new.</param>
/// <param name="To">"appliance/port" it went to; "-" when it was released.</param>
/// <param name="Request">What asked for it: the VDP request and hint, "expired", "taken by ...".</param>
public sealed record VsiMoveInfo(DateTimeOffset At, string? From, string To, string Request);

/// <summary>The VM's own counters: frames from it (in) and to it (out), and what was dropped of them, by reason.</summary>
/// <param name="AclHits">ACL rules that decided on its frames, by verdict; null where no ACL runs (the dumb vswitch).</param>
public sealed record VsiTrafficInfo(TrafficCounters In, TrafficCounters Out, IReadOnlyDictionary<string, long> Drops, VsiAclHits? AclHits = null);

/// <summary>Frames from the VM (in) and unicast copies to it (out) that an ACL rule permitted or denied (default verdicts not counted).</summary>
public sealed record VsiAclHits(long InPermit, long InDeny, long OutPermit, long OutDeny);

/// <summary>
/// The 802.1Qbg part of the management surface, offered by a program that runs the control plane.
/// Threading and errors as <see cref="IBridgeControl"/>.
/// </summary>
public interface IQbgControl
{
    /// <summary>Every `evb:` port's LLDP neighbour (`lldp neighbors`).</summary>
    Task<IReadOnlyList<LldpNeighborInfo>> LldpNeighborsAsync(CancellationToken cancellationToken);

    /// <summary>Every VSI known on an `evb:` port (`vsi show`).</summary>
    Task<IReadOnlyList<VsiInfo>> ShowVsisAsync(CancellationToken cancellationToken);
}

/// <summary>`vsi history`: a program that records where its VSIs went (the bridge, in its VSI store; a station does not).</summary>
public interface IVsiHistoryControl
{
    /// <summary>
    /// A VSI's moves, oldest first; empty for a VSI that never moved here. A bridge that runs without a
    /// store says so with a <see cref="ManagementException"/>.
    /// </summary>
    Task<IReadOnlyList<VsiMoveInfo>> VsiHistoryAsync(string vsiId, CancellationToken cancellationToken);
}
