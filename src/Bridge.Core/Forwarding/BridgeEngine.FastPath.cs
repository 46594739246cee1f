// The known-unicast fast path: the receive path's common case (a forwarding port with no optional
// ingress stage but the ping-pong guard, a readable unicast frame its VLAN admits, a destination the
// FDB knows on a plain port the delivery rule allows) done straight through with its values in
// locals. The general path carries a FrameContext by reference across stage calls that are not
// inlined, so the JIT keeps it in memory and every value a stage shares costs a store and a load; here
// the context is not touched unless the frame leaves the fast path. Each step does what the general
// path's stage does for such a frame (BridgeEngine.Ingress.cs, Stages/), in the same order of effects.
// A frame that does not qualify before its first side effect takes the general path from the start; one
// whose lookup does not qualify (learning done) takes it from the lookup on (ForwardByLookup), so
// nothing is counted or learned twice.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// A live batch nobody taps, reports on or counts by host: each frame tries the fast path for known
    /// unicast, then the one for floods (BridgeEngine.FloodPath.cs), and the rest take the general receive path.
    /// </summary>
    private void RunPlainBatch(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan, ref FrameContext context)
    {
        long timestamp = context.Timestamp;
        uint second = context.Second;
        for (int i = 0; i < frames.Length; i++)
        {
            FrameBuffer frame = frames[i];
            if (!TryForwardKnownUnicast(frame, plan, ref context, timestamp, second)
                && !TryFloodFromPlainPort(frame, plan, ref context, timestamp, second))
            {
                ReceiveOutOfLine(ref context, frame, plan);
            }
        }
    }

    /// <summary>
    /// Whether the batch's first frame came in on a port the fast paths serve. A batch starting on a
    /// port with ingress policy takes the general loop, where the receive path is inline: there the fast
    /// paths' checks and their out-of-line way into the general path would cost every frame (about 10 %
    /// on the ACL + QoS row) and win nothing.
    /// </summary>
    private static bool StartsOnPlainPort(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan) =>
        frames.Length > 0 && (uint)frames[0].IngressPort < (uint)plan.PortCount && plan.Ports[frames[0].IngressPort].PlainIngress;

    /// <summary>The general receive path for a frame the fast path left alone (out of line: the fast loop stays small).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReceiveOutOfLine(ref FrameContext context, FrameBuffer frame, ForwardingPlan plan)
    {
        context.Begin(frame);
        Receive<LiveMode>(ref context, plan);
    }

    /// <summary>
    /// The frame forwarded by the fast path, or taken over by the general path once its learning is
    /// done: true. False when it does not qualify; nothing has been done to it then.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryForwardKnownUnicast(FrameBuffer frame, ForwardingPlan plan, ref FrameContext context, long timestamp, uint second)
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
        ReadOnlySpan<byte> bytes = frame.Span;
        if (bytes.Length < EthernetReader.HeaderSize || (bytes[0] & 1) != 0)
        {
            return false;   // a group destination (the I/G bit) floods: not worth parsing here
        }
        var header = new EthernetReader(bytes);
        if (!header.IsValid)
        {
            return false;
        }
        MacAddress destination = header.Destination;
        MacAddress source = header.Source;
        int length = frame.Length;
        if (source.IsGroup || source.IsZero || length > plan.MaxFrameSize)
        {
            return false;
        }
        // VLAN ingress (VlanIngressStage.Admit) for the frames it admits without a question: untagged,
        // or C-tagged on a port that is not an access port.
        int vid;
        bool tagged = header.OuterTagProtocol == EtherTypes.CustomerVlan;
        ushort priorityBits = 0;
        if (ingress.IsAccess && header.TagCount != 0)
        {
            return false;
        }
        if (tagged)
        {
            ushort control = header.OuterTagControl;
            vid = control & 0x0FFF;
            if (vid == 0x0FFF)
            {
                return false;
            }
            priorityBits = (ushort)(control & 0xF000);
            if (vid == 0)
            {
                vid = ingress.Pvid;
            }
        }
        else
        {
            vid = ingress.Pvid;
        }
        if (vid == 0)
        {
            return false;
        }
        ulong members = plan.VlanMembers[vid];
        if ((members & portBit) == 0
            || (ingress.GuardsPingPong && _pingPongGuard.RemembersFloodsOutOf(port, FrameKind.Unicast, timestamp)))
        {
            return false;
        }

        // The frame qualifies: the general path's effects up to learning, in its order.
        PortCounters counters = _counters[port];
        frame.SourceVsi = -1;
        counters.RxFrames++;
        counters.RxBytes += length;
        counters.RxUnicast++;
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

        // Lookup: a known destination the delivery rule allows, on a port without per-copy work.
        ulong eligible = members & ingress.PeerMask & ~closedPorts;
        int target = _fdb.Lookup(vid, destination);
        if (target < 0 || ((eligible & ~plan.PerCopyWorkPorts) & (1UL << target)) == 0)
        {
            ForwardByLookupOutOfLine(ref context, frame, vid, destination, members, ref ingress, closedPorts, counters, plan);
            return true;
        }
        counters.Forwarded++;
        if (!EgressTaggingStage.Retag(frame, target, plan))
        {
            DropCopyOutOfLine(ref context, frame, vid, target, DropReason.NoHeadroom);
            return true;
        }
        if (!_enqueue.TryQueue(frame, target, FrameKind.Unicast, vsi: null))
        {
            DropCopyOutOfLine(ref context, frame, vid, target, DropReason.EgressQueueFull);
        }
        return true;
    }

    /// <summary>A learned frame the fast path cannot forward goes on from the general path's lookup.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ForwardByLookupOutOfLine(ref FrameContext context, FrameBuffer frame, int vid, MacAddress destination, ulong members, ref PortPlan ingress, ulong closedPorts, PortCounters counters, ForwardingPlan plan)
    {
        StartContext(ref context, frame, vid);
        ForwardByLookup<LiveMode>(ref context, destination, members, ref ingress, closedPorts, counters, plan);
    }

    /// <summary>The fast path's copy could not be queued: dropped as the enqueue stage drops one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DropCopyOutOfLine(ref FrameContext context, FrameBuffer frame, int vid, int target, DropReason reason)
    {
        StartContext(ref context, frame, vid);
        _enqueue.Drop(ref context, frame, target, reason, vsi: null);
    }

    /// <summary>The context as the general path would have it at the point the frame leaves the fast path.</summary>
    private static void StartContext(ref FrameContext context, FrameBuffer frame, int vid)
    {
        context.Begin(frame);
        context.Kind = FrameKind.Unicast;
        context.Vid = (ushort)vid;
    }
}
