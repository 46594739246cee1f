// What one end of an EVB link offers in its EVB TLV: configuration, set by the operator, read by the
// port's EvbNegotiation.
namespace Hairpin.Bridge.Core.Qbg.Lldp;

public sealed record EvbSettings
{
    /// <summary>Bridge: RRCAP, the port can reflect. Station: RRREQ, the station asks for it.</summary>
    public bool ReflectiveRelay { get; init; } = true;
    /// <summary>BGID on a bridge, SGID on a station: group IDs are supported in VDP.</summary>
    public bool GroupIds { get; init; }
    /// <summary>Local R, RTE, RWD and RKA; lldpad's defaults unless set.</summary>
    public EvbTimers Timers { get; init; } = EvbTimers.LldpadDefaults;
}
