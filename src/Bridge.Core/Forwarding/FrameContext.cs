// The per-frame state of the receive path. It travels by reference from stage to stage, so what one
// stage learns about a frame (its VLAN, kind, flow key, the ACL rules that matched it) reaches the
// stages after it without engine fields set in one file and read in another, and each frame ends
// with its disposition written down.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding;

internal struct FrameContext
{
    /// <summary>The buffer; stages retag and remark it in place, and the metadata (VID, priority, class) rides on it.</summary>
    public FrameBuffer Frame;
    public int Port;
    public FrameKind Kind;
    /// <summary>The VLAN the frame was classified to; 0 until VLAN ingress has run.</summary>
    public ushort Vid;
    /// <summary>The batch's clock: timestamp ticks (meters, windows) and whole seconds (FDB, protection).</summary>
    public long Timestamp;
    public uint Second;

    // The flow key, built by the first ACL that needs it and reused by every later one (egress copies
    // included), so a flood classifies its frame once.
    public bool FlowKeyBuilt;
    public bool FlowKeyValid;
    public FlowKey FlowKey;
    /// <summary>Why the headers could not be read, when the flow key is not valid.</summary>
    public HeaderCheck FlowKeyCheck;

    // What the deciding ACL rules do besides permit: ingress ones for ingress QoS, egress ones for the copy.
    public RuleAction VmRuleAction;
    public RuleAction PortRuleAction;
    public RuleAction EgressPortRuleAction;
    public RuleAction EgressVmRuleAction;
    public bool EgressActionsPending;

    /// <summary>In trace mode, where the stages tell what they decide; null when forwarding for real.</summary>
    public TraceSink? Sink;

    // The disposition as it is built.
    public DispositionKind Fate;
    public DropReason Reason;
    public ulong EgressPorts;
    public ulong DroppedCopyPorts;

    /// <summary>Starts a batch: its frames share one clock reading.</summary>
    public void StartBatch(long timestamp, uint second)
    {
        Timestamp = timestamp;
        Second = second;
    }

    /// <summary>Starts a frame: every field a previous frame may have left is reset (the context is reused across a batch).</summary>
    public void Begin(FrameBuffer frame)
    {
        Frame = frame;
        Port = frame.IngressPort;
        FlowKeyBuilt = false;
        EgressActionsPending = false;
    }

    /// <summary>Starts the frame's disposition, for a caller that asks for it (a drop's reason is written whether or not).</summary>
    public void BeginDisposition()
    {
        Vid = 0;   // read before VLAN ingress only by the disposition of a frame dropped earlier
        Fate = DispositionKind.Forwarded;
        EgressPorts = 0;
        DroppedCopyPorts = 0;
        Reason = default;   // meaningful only once a drop sets it
    }

    public void Dropped(DropReason reason)
    {
        Fate = DispositionKind.Dropped;
        Reason = reason;
    }

    public void CopyQueued(int port) => EgressPorts |= 1UL << port;

    public void CopyDropped(int port, DropReason reason)
    {
        DroppedCopyPorts |= 1UL << port;
        Reason = reason;
    }

    /// <summary>What became of the frame: a forward or flood none of whose copies was queued went nowhere.</summary>
    public readonly FrameDisposition Disposition
    {
        get
        {
            DispositionKind kind = Fate <= DispositionKind.Flooded && EgressPorts == 0 ? DispositionKind.Dropped : Fate;
            return new FrameDisposition(kind, EgressPorts, DroppedCopyPorts, Reason, Vid);
        }
    }
}
