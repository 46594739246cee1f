// One MVRP port's counters for the metrics thread: what MvrpPlane and its participant count, each with
// one writer (the forwarding thread) and read whole, perhaps a batch behind, as the port counters are.
namespace Hairpin.Host.Mvrp;

/// <param name="DynamicVlans">VIDs MVRP added to the port's members, as last published.</param>
internal sealed record MvrpPortStats(long PdusReceived, long PdusSent, long Malformed, long LeaveAllReceived, long LeaveAllSent,
    long RegistrationsRefused, long DeclarationsIgnored, int DynamicVlans);
