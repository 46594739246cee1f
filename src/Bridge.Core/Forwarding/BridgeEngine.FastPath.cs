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
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// A live batch nobody taps, reports on or counts by host: each frame tries the fast path, and the
    /// rest take the general receive path.
    /// </summary>
    private void RunPlainBatch(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan, ref FrameContext context)
    {
        foreach (FrameBuffer frame in frames)
        {
            if (!TryForwardKnownUnicast(frame, plan, ref context))
            {
                ReceiveOutOfLine(ref context, frame, plan);
            }
        }
    }

    /// <summary>
    /// Whether the batch's first frame is unicast and came in on a port the fast path serves. A batch
    /// starting on a port with ingress policy, or with a group frame (a burst of floods), takes the
    /// general loop, where the receive path is inline: there the fast path's checks and its out-of-line
    /// way into the general path would cost every frame (about 10 % on the ACL + QoS row, 5 % on
    /// flooding) and win nothing.
    /// </summary>
    private static bool StartsOnPlainPort(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan) =>
        frames.Length > 0 && (uint)frames[0].IngressPort < (uint)plan.PortCount && plan.Ports[frames[0].IngressPort].PlainIngress
        && frames[0].Span is { Length: > 0 } first && (first[0] & 1) == 0;

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
    /// <remarks>
    /// Few values live across the learning and the enqueue (their calls and the queue's GC write
    /// barrier make the JIT spill what does): whatever a way out of line needs, it works out again from
    /// the frame, its VID and the plan.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryForwardKnownUnicast(FrameBuffer frame, ForwardingPlan plan, ref FrameContext context)
    {
        // Checks only, no effects: anything unusual goes to the general path whole.
        int port = frame.IngressPort;
        PortPlan[] ports = plan.Ports;
        if ((uint)port >= (uint)ports.Length)
        {
            return false;
        }
        ref PortPlan ingress = ref ports[port];
        ulong portBit = 1UL << port;
        if ((_closedPorts & portBit) != 0 || !ingress.PlainIngress)
        {
            return false;
        }
        ReadOnlySpan<byte> bytes = frame.Span;
        int length = bytes.Length;
        if (length < EthernetReader.HeaderSize || (bytes[0] & 1) != 0 || length > plan.MaxFrameSize)
        {
            return false;   // a group destination (the I/G bit) floods: not worth parsing here
        }
        // The addresses and the EtherType in two reads: bytes 0-5, and 6-13 (source, then type).
        var destination = new MacAddress(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
        ulong sourceAndType = BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(MacAddress.Size, sizeof(ulong)));
        var source = new MacAddress(sourceAndType >> 16);
        if (source.IsGroup || source.IsZero)
        {
            return false;
        }
        // VLAN ingress (VlanIngressStage.Admit) for the frames it admits without a question: untagged
        // Ethernet II, or C-tagged on a port that is not an access port. PCP classification
        // (IngressQosStage.Classify) with them: the port's default priority unless it trusts the tag.
        int vid;
        ushort priorityBits;
        byte trafficClass;
        ushort type = (ushort)sourceAndType;
        bool tagged = type == EtherTypes.CustomerVlan;
        if (tagged)
        {
            if (ingress.IsAccess)
            {
                return false;
            }
            var header = new EthernetReader(bytes);
            if (!header.IsValid)
            {
                return false;
            }
            ushort control = header.OuterTagControl;
            vid = control & 0x0FFF;
            if (vid == 0x0FFF)
            {
                return false;
            }
            if (vid == 0)
            {
                vid = ingress.Pvid;
            }
            priorityBits = (ushort)(control & 0xF000);
            if (!ingress.TrustsTag)
            {
                priorityBits = (ushort)((priorityBits & RuleActions.DeiBit) | ingress.DefaultPriorityBits);
            }
            trafficClass = plan.ClassOfPriority[priorityBits >> RuleActions.PriorityShift];
        }
        else
        {
            // S-tags and 802.3 length fields go to the general path (its reader checks the length).
            if (type < EtherTypes.MinEtherType || type == EtherTypes.ServiceVlan)
            {
                return false;
            }
            vid = ingress.Pvid;
            priorityBits = ingress.DefaultPriorityBits;
            trafficClass = ingress.DefaultTrafficClass;
        }
        if (vid == 0)
        {
            return false;
        }
        ulong members = plan.VlanMembers[vid];
        if ((members & portBit) == 0
            || (ingress.GuardsPingPong && _pingPongGuard.RemembersFloodsOutOf(port, FrameKind.Unicast, context.Timestamp)))
        {
            return false;
        }

        // The frame qualifies: the general path's effects up to learning, in its order.
        PortCounters counters = _counters[port];
        frame.SourceVsi = -1;
        counters.RxFrames++;
        counters.RxBytes += length;
        counters.RxUnicast++;
        frame.HasCustomerTag = tagged;
        frame.PriorityBits = priorityBits;
        frame.Vid = (ushort)vid;
        frame.TrafficClass = trafficClass;
        // Learning (LearningStage.Learn): a known host refreshing itself from its home slot is decided
        // here; a hold, a new host, a move or a limit out of line.
        uint second = context.Second;
        if (ingress.Learning && (second < _learning.HeldUntil || !_fdb.TryRefresh(vid, source, port, second)))
        {
            LearnOutOfLine(vid, source, port, second, plan);
        }

        // Lookup: a known destination the delivery rule allows, on a port without per-copy work.
        // The closed ports are as the frame found them: learning (and move damping) closes none.
        int target = _fdb.Lookup(vid, destination);
        ulong targetBit = 1UL << target;
        if (target < 0 || (members & ingress.PeerMask & ~_closedPorts & ~plan.PerCopyWorkPorts & targetBit) == 0)
        {
            ForwardByLookupOutOfLine(ref context, frame, vid, plan);
            return true;
        }
        counters.Forwarded++;
        // Egress tagging (EgressTaggingStage.Retag): an untagged frame leaving untagged stays as it is.
        bool wantTag = (plan.VlanUntagged[vid] & targetBit) == 0;
        if ((tagged || wantTag) && !RetagOutOfLine(frame, target, plan))
        {
            DropCopyOutOfLine(ref context, frame, vid, target, DropReason.NoHeadroom);
            return true;
        }
        // Enqueue (EnqueueStage.TryQueue for a unicast copy).
        if (!_enqueue.TryQueueUnicast(frame, target, trafficClass))
        {
            DropCopyOutOfLine(ref context, frame, vid, target, DropReason.EgressQueueFull);
        }
        return true;
    }

    /// <summary>Learning's other cases (LearningStage.Learn in full): a hold, a new host, a move, a limit.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LearnOutOfLine(int vid, MacAddress source, int port, uint second, ForwardingPlan plan)
    {
        if (_learning.Learn(vid, source, port, second, ref plan.Ports[port], plan.VlanMembers[vid], _counters[port], plan.MaxLearned))
        {
            OnMoved(vid, source, port, second);
        }
    }

    /// <summary>A copy that changes its tag form, or a tag to rewrite.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool RetagOutOfLine(FrameBuffer frame, int target, ForwardingPlan plan) => EgressTaggingStage.Retag(frame, target, plan);

    /// <summary>A learned frame the fast path cannot forward goes on from the general path's lookup.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ForwardByLookupOutOfLine(ref FrameContext context, FrameBuffer frame, int vid, ForwardingPlan plan)
    {
        int port = frame.IngressPort;
        StartContext(ref context, frame, vid);
        ForwardByLookup<LiveMode>(ref context, MacAddress.Read(frame.Span), plan.VlanMembers[vid], ref plan.Ports[port], _closedPorts, _counters[port], plan);
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
