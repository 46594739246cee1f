// Everything `stats` prints: per-port traffic and drops by reason (ingress and egress), protection
// events, per-queue tail drops, and each policer's per-color counters. Drop reasons travel as their
// kebab-case names (DropReasons.Name) so the dumb vswitch can report its own without sharing the engine's enum.
namespace Hairpin.Host.Management;

/// <param name="Reloads">Configuration reloads applied and refused since start; null from a server that does not reload (the dumb vswitch).</param>
public sealed record BridgeStats(IReadOnlyList<PortStats> Ports, IReadOnlyList<PolicerStats> Policers, ReloadStats? Reloads = null);

/// <param name="Refused">Reloads that left the running configuration in place (file errors, a change that needs a restart, a failure).</param>
public sealed record ReloadStats(long Applied, long Refused);

/// <param name="IngressDrops">Frames received on this port and dropped, by reason; reasons with a zero count may be left out.</param>
/// <param name="EgressDrops">Copies meant for this port and dropped, by reason; same rule.</param>
/// <param name="Queues">The port's egress queues (one per traffic class); empty when it has no scheduler.</param>
/// <param name="Protection">Protection events on this port by event and cause (error-disabled, recovered, mac-move-damped); zero counts left out.</param>
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
    IReadOnlyList<ProtectionCount> Protection);

/// <param name="Event">"error-disabled", "recovered" or "mac-move-damped".</param>
/// <param name="Cause">The protection feature, kebab-case ("loop-detected", "bpdu-guard", "mac-move-damping", ...).</param>
public sealed record ProtectionCount(string Event, string Cause, long Count);

public sealed record DropCount(string Reason, long Frames);

public sealed record QueueStats(int TrafficClass, long TailDrops, int QueuedFrames, long QueuedBytes);

public sealed record PolicerStats(string Name, TrafficCounters Green, TrafficCounters Yellow, TrafficCounters Red);
