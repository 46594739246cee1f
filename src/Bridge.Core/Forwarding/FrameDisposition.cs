// What became of one received frame, as ProcessBatch decided it: the ports its copies were queued
// on, the control plane, or the reason it went nowhere. Callers (the demo, the scenario runner,
// tests) read it instead of diffing counters to find out where a frame went.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Forwarding;

public enum DispositionKind : byte
{
    /// <summary>Known unicast: sent to the one port the FDB named (the ingress port itself when reflected).</summary>
    Forwarded,
    /// <summary>Broadcast, multicast or unknown unicast: sent to every eligible port.</summary>
    Flooded,
    /// <summary>Trapped for the control plane (link-local group addresses: BPDUs, LLDP, EVB/ECP/VDP).</summary>
    ControlPlane,
    /// <summary>Sent nowhere: dropped on ingress, or every copy dropped at egress.</summary>
    Dropped,
}

/// <summary>
/// One frame's fate. <see cref="EgressPorts"/> holds the ports a copy was queued on (ACL mirror copies
/// are not counted: they are SPAN, not forwarding); <see cref="DroppedCopyPorts"/> the ports whose copy
/// was dropped at egress. <see cref="Reason"/> is why a <see cref="DispositionKind.Dropped"/> frame went
/// nowhere, or, for a frame forwarded or flooded with some copies dropped, why the last of those was.
/// <see cref="Vid"/> is the VLAN the frame was classified to (0 when it was dropped before that).
/// </summary>
public readonly record struct FrameDisposition(DispositionKind Kind, ulong EgressPorts, ulong DroppedCopyPorts, DropReason Reason, ushort Vid)
{
    public bool IsDropped => Kind == DispositionKind.Dropped;

    /// <summary>Whether a copy was queued on <paramref name="port"/>.</summary>
    public bool WentTo(int port) => (uint)port < 64 && (EgressPorts & (1UL << port)) != 0;

    public static FrameDisposition DroppedFor(DropReason reason) => new(DispositionKind.Dropped, 0, 0, reason, 0);

    public override string ToString() => Kind switch
    {
        DispositionKind.Dropped => $"dropped ({DropReasons.Name(Reason)})",
        DispositionKind.ControlPlane => "control plane",
        _ => $"{Kind.ToString().ToLowerInvariant()} in VLAN {Vid} to ports 0x{EgressPorts:x}" + (DroppedCopyPorts == 0 ? "" : $", copies to 0x{DroppedCopyPorts:x} dropped ({DropReasons.Name(Reason)})"),
    };
}
