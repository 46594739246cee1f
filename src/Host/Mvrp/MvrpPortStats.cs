// One MVRP port's counters for the metrics thread: what MvrpPlane and its participant count, each with
// one writer (the forwarding thread) and read whole, perhaps a batch behind, as the port counters are.
namespace Hairpin.Host.Mvrp;

/// <param name="DynamicVlans">VIDs MVRP added to the port's members, as last published.</param>
/// <param name="VlanFlushes">Flushes of the port's learned entries in one VLAN that a New asked for (802.1Q 11.2.5).</param>
/// <param name="EntriesFlushed">Learned entries those flushes removed.</param>
internal sealed record MvrpPortStats(long PdusReceived, long PdusSent, long Malformed, long LeaveAllReceived, long LeaveAllSent,
    long RegistrationsRefused, long DeclarationsIgnored, int DynamicVlans, long VlanFlushes, long EntriesFlushed);
