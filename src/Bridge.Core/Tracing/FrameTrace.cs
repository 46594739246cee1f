// What `hairpin trace` reports for one frame: the stages it went through, in the receive path's
// order, and what the bridge would do with it. Produced by BridgeEngine.Trace without side effects.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Tracing;

/// <param name="IngressPort">The port index the frame was traced as arriving on.</param>
/// <param name="IngressPortName">Its configured name ("" when the index names no port).</param>
/// <param name="Stages">Each stage the frame reached, in order; the last one decided a drop or trap.</param>
/// <param name="Verdict">Forwarded to ports, dropped with a reason, or trapped to the control plane.</param>
/// <param name="AclMatches">The rule that decided each ACL the frame met, ingress first, then per egress port.</param>
/// <param name="Egress">Per port the frame would be sent to: its tag form, or why that copy would be dropped.</param>
/// <param name="MirrorPorts">Ports an ACL `mirror` action would send a copy to (beside the verdict's ports).</param>
/// <param name="Policers">Names of the policers the frame would meet; the trace takes no tokens, so it cannot say their color.</param>
public sealed record FrameTrace(
    int IngressPort,
    string IngressPortName,
    IReadOnlyList<TraceStage> Stages,
    TraceVerdict Verdict,
    IReadOnlyList<TracedAclMatch> AclMatches,
    IReadOnlyList<TracedEgress> Egress,
    IReadOnlyList<int> MirrorPorts,
    IReadOnlyList<string> Policers)
{
    /// <summary>The ports that would receive the frame (the verdict's; empty unless forwarded).</summary>
    public IReadOnlyList<int> OutputPorts => Verdict.Ports;
}

/// <summary>One step of the receive path. <paramref name="Port"/> is set for steps about one egress port.</summary>
/// <param name="Name">A stable kebab-case stage name, e.g. "vlan-ingress", "ingress-acl", "delivery".</param>
/// <param name="Text">What happened there, in a network engineer's words.</param>
public sealed record TraceStage(string Name, string Text, int? Port = null);

public enum TraceOutcome : byte
{
    /// <summary>At least one port was chosen (its copy may still be dropped at egress: see <see cref="FrameTrace.Egress"/>).</summary>
    Forwarded,
    Dropped,
    /// <summary>Handed to the control plane (link-local group addresses: BPDUs, LLDP, EVB/ECP/VDP).</summary>
    Trapped,
}

/// <param name="Reason">Why the frame was dropped on ingress (Dropped only; egress copy drops are per port in Egress).</param>
/// <param name="Ports">Ports that get a copy, ascending (Forwarded only).</param>
public sealed record TraceVerdict(TraceOutcome Outcome, DropReason? Reason, IReadOnlyList<int> Ports)
{
    public static TraceVerdict Dropped(DropReason reason) => new(TraceOutcome.Dropped, reason, []);
    public static TraceVerdict Trapped { get; } = new(TraceOutcome.Trapped, null, []);
}
