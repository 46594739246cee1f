// Everything `stats` prints: per-port traffic and drops by reason (ingress and egress, the engine's and
// the host's), link ups and downs, protection events, per-queue tail drops, and each policer's
// per-color counters. Drop reasons travel as their kebab-case names (DropReasons.Name) so the dumb
// vswitch can report its own without sharing the engine's enum.
namespace Hairpin.Host.Management;

/// <param name="Reloads">Configuration reloads applied and refused since start; null from a server that does not reload (the dumb vswitch).</param>
/// <param name="Vms">Per-VM traffic (specs/visibility.md): each VSI of this bridge, then each (port, VLAN, MAC) host `vm_counters` counts that is no VSI; null from a server without it.</param>
/// <param name="OtherVms">VMs beyond the row limit, and hosts beyond `vm_counters`, summed in one row; null when none.</param>
/// <param name="Monitors">Mirroring sessions and their counters (`monitor show`); null from a server that does not mirror.</param>
/// <param name="FlowExport">IPFIX flow export's counters; null when it is off.</param>
/// <param name="Flows">With flow export on, the active flows with the most packets so far (at most 20); null when it is off.</param>
public sealed record BridgeStats(IReadOnlyList<PortStats> Ports, IReadOnlyList<PolicerStats> Policers, ReloadStats? Reloads = null,
    IReadOnlyList<VmStats>? Vms = null, VmOverflowStats? OtherVms = null, IReadOnlyList<MonitorSessionInfo>? Monitors = null, FlowExportStats? FlowExport = null,
    IReadOnlyList<FlowInfo>? Flows = null);

/// <summary>One active flow as `stats` and `top` show it: where it came in, its addresses (IP:port where it has them), its counts so far.</summary>
/// <param name="Dropped">The drop reason of its frames when the bridge drops them; null when it forwards them.</param>
public sealed record FlowInfo(string Port, string SourceMac, string DestinationMac, int Vlan, string Protocol, string Source, string Destination, long Packets, long Bytes, string? Dropped);

/// <summary>One VM's traffic: <paramref name="Rx"/> from it, <paramref name="Tx"/> unicast to it, <paramref name="Dropped"/> of its frames (and copies to it) dropped.</summary>
/// <param name="Vsi">Its VSIID when 802.1Qbg identifies it; null for a host counted by (port, VLAN, MAC).</param>
/// <param name="Type">Its VSI type as "ID/VERSION" (the policy it gets); null for a host.</param>
public sealed record VmStats(string Port, string? Vsi, string? Mac, int Vlan, TrafficCounters Rx, TrafficCounters Tx, long Dropped, string? Type = null);

/// <param name="Vms">How many VMs are summed here (0 when only hosts beyond `vm_counters` are, whose number is unknown).</param>
public sealed record VmOverflowStats(int Vms, TrafficCounters Rx, TrafficCounters Tx, long Dropped);

/// <summary>The flow cache and the IPFIX exporter (specs/flow-export.md).</summary>
/// <param name="ActiveFlows">Flows in the cache now.</param>
/// <param name="ExportedFlows">Flow records ended (timeouts, early, forced) and handed to the exporter.</param>
/// <param name="EvictedFlows">Of those, flows ended early because the cache was full.</param>
/// <param name="LostRecords">Records lost before encoding: the exporter had not taken the earlier ones (its ring was full).</param>
/// <param name="SentRecords">Records encoded and sent to the collectors.</param>
/// <param name="Messages">IPFIX messages sent (templates included).</param>
/// <param name="FailedSends">Messages a collector's socket refused (unreachable, no route): their records did not reach it.</param>
public sealed record FlowExportStats(long ActiveFlows, long ExportedFlows, long EvictedFlows, long LostRecords, long SentRecords, long Messages, long FailedSends);

/// <param name="Refused">Reloads that left the running configuration in place (file errors, a change that needs a restart, a failure).</param>
public sealed record ReloadStats(long Applied, long Refused);

/// <summary>
/// One port's accounting (specs/transports.md), exact once nothing is in flight:
/// <c>Rx.Frames = Forwarded + Trapped + sum(IngressDrops)</c>, and every copy the bridge meant to send
/// out of the port is <c>Tx.Frames + sum(EgressDrops)</c>; of those, <c>Queued.Frames = Tx.Frames +
/// the tx-* egress drops</c>.
/// </summary>
/// <param name="Rx">Frames the peer sent: handed over by the kernel (or stream) plus those the kernel dropped for us; bytes of those handed over.</param>
/// <param name="Tx">Frames that actually left by the port.</param>
/// <param name="IngressDrops">Frames received on this port and dropped, by reason (the engine's, and the host's rx-*); zero counts may be left out.</param>
/// <param name="EgressDrops">Copies meant for this port and dropped, by reason (the engine's, and the host's tx-*); same rule.</param>
/// <param name="Queues">The port's egress queues (one per traffic class); empty when it has no scheduler.</param>
/// <param name="Queued">Frames the bridge queued to send out of the port (they left, or are a tx-* drop, or wait).</param>
/// <param name="Link">How often the port's peer came and went.</param>
/// <param name="Protection">Protection events on this port by event and cause (error-disabled, recovered, mac-move-damped); zero counts left out.</param>
/// <param name="Qbg">On an `evb:` port, its 802.1Qbg control plane's counters (LLDP, ECP, VDP); else null.</param>
public sealed record PortStats(
    string Name,
    TrafficCounters Rx,
    TrafficCounters Tx,
    long Forwarded,
    long Flooded,
    long Trapped,
    IReadOnlyList<DropCount> IngressDrops,
    IReadOnlyList<DropCount> EgressDrops,
    IReadOnlyList<QueueStats> Queues,
    TrafficCounters Queued,
    LinkEvents Link,
    IReadOnlyList<ProtectionCount> Protection,
    QbgPortStats? Qbg = null);

/// <param name="Ups">Times the link came up (the first time included).</param>
/// <param name="Downs">Times it went from up to down.</param>
public sealed record LinkEvents(long Ups, long Downs);

/// <param name="Event">"error-disabled", "recovered" or "mac-move-damped".</param>
/// <param name="Cause">The protection feature, kebab-case ("loop-detected", "bpdu-guard", "mac-move-damping", ...).</param>
public sealed record ProtectionCount(string Event, string Cause, long Count);

public sealed record DropCount(string Reason, long Frames);

public sealed record QueueStats(int TrafficClass, long TailDrops, int QueuedFrames, long QueuedBytes);

public sealed record PolicerStats(string Name, TrafficCounters Green, TrafficCounters Yellow, TrafficCounters Red);
