// The flood fast path, beside the known-unicast one (BridgeEngine.FastPath.cs) in the plain batch: a
// broadcast or multicast frame from a plain port (forwarding, no optional ingress stage but the
// ping-pong guard), readable, admitted by its VLAN, flooded to two or more ports none of which has
// per-copy work (egress ACLs, VSIs) goes straight through with its values in locals, and its copies
// that share the buffer as it is go on their queues in one loop (EnqueueStage.QueueShared) counted by
// a kind known once per frame. Each step does what the general path's stage does for such a frame
// (BridgeEngine.Ingress.cs, Stages/), in the same order of effects. A frame that does not qualify
// before its first side effect takes the general path from the start; once learning is done, storm
// control and a flood whose copies need the other tag form go on through the general path's own
// code (AdmitFlood, FanOutStage.Flood), so nothing is counted or learned twice.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// The group frame flooded by the fast path (or dropped there by storm control): true. False when
    /// it does not qualify; nothing has been done to it then. Out of line: the plain batch's loop stays
    /// the known-unicast one's.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryFloodFromPlainPort(FrameBuffer frame, ForwardingPlan plan, ref FrameContext context, long timestamp, uint second)
    {
        // Checks only, no effects: anything unusual goes to the general path whole.
        int port = frame.IngressPort;
        if ((uint)port >= (uint)plan.PortCount)
        {
            return false;
        }
        ulong closedPorts = _closedPorts;
        ulong portBit = 1UL << port;
        ref PortPlan ingress = ref plan.Ports[port];
        if ((closedPorts & portBit) != 0 || !ingress.PlainIngress)
        {
            return false;
        }
        var header = new EthernetReader(frame.Span);
        if (!header.IsValid)
        {
            return false;
        }
        MacAddress destination = header.Destination;
        MacAddress source = header.Source;
        int length = frame.Length;
        // Our own loop probes and the link-local and MVRP addresses are sorted out by the general path.
        if (!destination.IsGroup || destination.Value == LoopProbe.DestinationValue || destination.IsLinkLocalGroup || destination.Value == MacAddress.MvrpValue
            || source.IsGroup || source.IsZero || length > plan.MaxFrameSize)
        {
            return false;
        }
        bool broadcast = destination.IsBroadcast;
        FrameKind kind = broadcast ? FrameKind.Broadcast : FrameKind.Multicast;
        // VLAN ingress (VlanIngressStage.Admit) for the frames it admits without a question: untagged,
        // or C-tagged on a port that is not an access port.
        int vid = VlanIngressStage.PlainVid(in header, ref ingress, out bool tagged, out ushort priorityBits);
        if (vid == 0)
        {
            return false;
        }
        ulong members = plan.VlanMembers[vid];
        if ((members & portBit) == 0
            || (ingress.GuardsPingPong && _pingPongGuard.RemembersFloodsOutOf(port, kind, timestamp)))
        {
            return false;
        }
        // Lookup (LookupStage.Decide) for a group destination, and the fan-out this path does: two or
        // more ports, none with per-copy work. Learning cannot change what is read here.
        ulong targets = members & ingress.PeerMask & ~closedPorts & (broadcast ? plan.BroadcastFloodPorts : plan.MulticastFloodPorts);
        if ((targets & (targets - 1)) == 0 || (targets & plan.PerCopyWorkPorts) != 0)
        {
            return false;
        }

        // The frame qualifies: the general path's effects, in its order.
        PortCounters counters = _counters[port];
        frame.SourceVsi = -1;
        counters.RxFrames++;
        counters.RxBytes += length;
        if (broadcast)
        {
            counters.RxBroadcast++;
        }
        else
        {
            counters.RxMulticast++;
        }
        // VLAN ingress's metadata and PCP classification (IngressQosStage.Classify), each written once.
        if (!tagged || !ingress.TrustsTag)
        {
            priorityBits = (ushort)((priorityBits & RuleActions.DeiBit) | ingress.DefaultPriorityBits);
        }
        frame.HasCustomerTag = tagged;
        frame.PriorityBits = priorityBits;
        frame.Vid = (ushort)vid;
        frame.TrafficClass = plan.ClassOfPriority[priorityBits >> RuleActions.PriorityShift];
        if (_learning.Learn(vid, source, port, second, ref ingress, members, counters, plan.MaxLearned))
        {
            OnMoved(vid, source, port, second);
        }
        if (ingress.StormControlled && !AdmitFloodOutOfLine(ref context, frame, kind, vid, ref ingress))
        {
            return true;
        }
        ulong facingReflectors = targets & plan.PingPongGuardedPorts & ~portBit;
        if (facingReflectors != 0)
        {
            _pingPongGuard.RememberFloodedOut(frame, facingReflectors, kind, timestamp, plan.PingPongWindowTicks);   // before the fan-out retags the original
        }
        counters.Forwarded++;
        counters.Flooded++;

        // Fan-out (FanOutStage.FloodPlain) when every copy leaves in the form the frame is in.
        ulong untaggedPorts = plan.VlanUntagged[vid];
        if ((targets & (tagged ? untaggedPorts : ~untaggedPorts)) != 0)
        {
            FloodOutOfLine(ref context, frame, kind, vid, targets, plan);
            return true;
        }
        EgressTaggingStage.PutInSharedForm(frame, targets, untaggedPorts);   // a tag gets the VID and priority classified
        ulong full = broadcast ? _enqueue.QueueShared<BroadcastCopy>(frame, targets) : _enqueue.QueueShared<MulticastCopy>(frame, targets);
        if (full != 0)
        {
            DropCopiesOutOfLine(ref context, frame, kind, vid, full);
        }
        return true;
    }

    /// <summary>Storm control for the fast path's flood, with the context the general path would have there.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitFloodOutOfLine(ref FrameContext context, FrameBuffer frame, FrameKind kind, int vid, ref PortPlan ingress)
    {
        StartFloodContext(ref context, frame, kind, vid);
        return AdmitFlood<LiveMode>(ref context, ref ingress);
    }

    /// <summary>A flood whose copies need both tag forms: the general fan-out, from the point the fast path reached.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FloodOutOfLine(ref FrameContext context, FrameBuffer frame, FrameKind kind, int vid, ulong targets, ForwardingPlan plan)
    {
        StartFloodContext(ref context, frame, kind, vid);
        _fanOut.Flood<LiveMode>(ref context, frame, targets, plan);
    }

    /// <summary>The copies a full queue refused: dropped as the enqueue stage drops one, each releasing its reference.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DropCopiesOutOfLine(ref FrameContext context, FrameBuffer frame, FrameKind kind, int vid, ulong ports)
    {
        StartFloodContext(ref context, frame, kind, vid);
        while (ports != 0)
        {
            int port = System.Numerics.BitOperations.TrailingZeroCount(ports);
            ports &= ports - 1;
            _enqueue.Drop(ref context, frame, port, DropReason.EgressQueueFull, vsi: null);
        }
    }

    /// <summary>The context as the general path would have it for a flood at the point the frame leaves the fast path.</summary>
    private static void StartFloodContext(ref FrameContext context, FrameBuffer frame, FrameKind kind, int vid)
    {
        context.Begin(frame);
        context.Kind = kind;
        context.Vid = (ushort)vid;
        context.Fate = DispositionKind.Flooded;
    }
}
