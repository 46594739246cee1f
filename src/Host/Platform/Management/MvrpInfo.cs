// What `mvrp show` reports of each MVRP port: its registrar mode and limit, the VIDs it declares and
// those registered on it (static and dynamic told apart), each attribute's applicant and registrar
// state with its leave timer, the timers, and counters of PDUs and events, in 802.1Q's words.
namespace Hairpin.Host.Management;

/// <param name="Declared">VIDs this bridge declares on the port (its own needs and what other ports registered).</param>
/// <param name="Registered">VIDs registered on the port: declared by the neighbour, or held by a fixed registrar.</param>
/// <param name="Dynamic">Of those, the ones MVRP added to the port's members (not statically configured).</param>
public sealed record MvrpPortInfo(string Port, string Registrar, int MaxVids, IReadOnlyList<int> Declared, IReadOnlyList<int> Registered,
    IReadOnlyList<int> Dynamic, IReadOnlyList<MvrpAttributeInfo> Attributes, MvrpTimersInfo Timers, MvrpCountersInfo Counters);

/// <param name="Applicant">802.1Q Table 10-3's state: vo, vp, vn, an, aa, qa, la, ao, qo, ap, qp, lo.</param>
/// <param name="Registrar">in, lv or mt.</param>
/// <param name="LeaveTimer">Seconds left before a leaving registration ends; null when it runs not.</param>
public sealed record MvrpAttributeInfo(int Vid, string Applicant, string Registrar, double? LeaveTimer);

/// <param name="NextTransmit">Seconds to the next transmit opportunity; null when none is asked for.</param>
/// <param name="NextLeaveAll">Seconds to this port's next LeaveAll.</param>
public sealed record MvrpTimersInfo(double JoinMs, double LeaveMs, double LeaveAllMs, double PeriodicMs, double? NextTransmit, double? NextLeaveAll);

/// <param name="Malformed">MVRPDUs dropped as malformed, by reason (e.g. truncated, bad-event).</param>
/// <param name="RegistrationsRefused">Declarations refused because the port had registered its max_vids.</param>
/// <param name="DeclarationsIgnored">Declarations heard by a fixed or forbidden registrar, which registers none.</param>
/// <param name="VlanFlushes">Flushes of the port's learned entries in one VLAN that a New asked for (heard on the port or passed on to it, 802.1Q 11.2.5).</param>
/// <param name="EntriesFlushed">Learned entries those flushes removed.</param>
public sealed record MvrpCountersInfo(long PdusReceived, long PdusSent, IReadOnlyDictionary<string, long> Malformed, long LeaveAllReceived, long LeaveAllSent,
    IReadOnlyDictionary<string, long> EventsReceived, IReadOnlyDictionary<string, long> EventsSent, long RegistrationsRefused, long DeclarationsIgnored,
    long VlanFlushes = 0, long EntriesFlushed = 0);

/// <summary>`mvrp show`: a program that runs MVRP (the appliance). Threading and errors as <see cref="IBridgeControl"/>.</summary>
public interface IMvrpControl
{
    Task<IReadOnlyList<MvrpPortInfo>> ShowMvrpAsync(CancellationToken cancellationToken);
}
