// The known-unicast fast path: the receive path's common case (a readable unicast frame on a
// forwarding port with no optional ingress stage at work, in a VLAN the port admits it to without a
// question, to a destination the FDB knows on a plain port the delivery rule allows) done in one loop
// over a run of one ingress port's frames, with its values in registers. The general path carries a
// FrameContext by reference across stage calls that are not inlined, so the JIT keeps it in memory and
// every value a stage shares costs a store and a load; the fast loop touches no context and calls
// nothing. Each step does what the general path's stage does for such a frame (BridgeEngine.Ingress.cs,
// Stages/), with the same effects in the same order, but one: a new host is learned when the run ends
// (DeferredLearns), where nothing can have read its entry in between. Every check comes before the
// first effect, so a frame that does not qualify takes the general path whole; one that qualifies and
// then needs a move or a hold from learning, a tag pushed or popped, or finds its queue full, is
// finished out of line from where the loop left it, so nothing is counted or learned twice.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// A live batch nobody taps, reports on or counts by host: the fast loop forwards frames until one
    /// needs more than it does; that one goes on out of line (a flood through the flood path,
    /// BridgeEngine.FloodPath.cs, when it qualifies), and the fast loop resumes after it.
    /// </summary>
    private void RunPlainBatch(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan, ref FrameContext context)
    {
        for (int next = 0; next < frames.Length; next++)
        {
            if (IsGroupAddressed(frames[next]))
            {
                FloodOutOfLine(ref context, frames[next], plan);   // a burst of floods need not start a unicast run per frame
                continue;
            }
            FastPathStop stop = ForwardKnownUnicastRun(frames, next, plan, context.Timestamp, context.Second);
            if (_deferredLearns.Count != 0)
            {
                LearnDeferred(plan, context.Second);   // before anything else reads the FDB
            }
            next = stop.Index;
            if (next >= frames.Length)
            {
                return;
            }
            if (stop.Why == FastPathExit.OtherPort)
            {
                next--;   // a new run for the next port's frames
                continue;
            }
            FrameBuffer frame = frames[next];
            switch (stop.Why)
            {
                case FastPathExit.Unfit:
                    FloodOutOfLine(ref context, frame, plan);
                    break;
                case FastPathExit.Learn:
                    LearnAndQueueOutOfLine(ref context, frame, stop.Vid, stop.Target, plan);
                    break;
                case FastPathExit.Retag:
                    RetagAndQueueOutOfLine(ref context, frame, stop.Vid, stop.Target, plan);
                    break;
                default:
                    RetagAndQueueOutOfLine(ref context, frame, stop.Vid, stop.Target, plan);   // the queue refuses it, counting the tail drop
                    break;
            }
        }
    }

    /// <summary>
    /// Whether the batch's first frame came in on a port the plain fast paths serve. A batch starting on
    /// a port with ingress policy takes the policy loop (BridgeEngine.PolicyPath.cs) or the general one,
    /// where these paths' checks and their out-of-line way into the general path would cost every frame
    /// and win nothing.
    /// </summary>
    private static bool StartsOnPlainPort(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan) =>
        frames.Length > 0 && (uint)frames[0].IngressPort < (uint)plan.PortCount && plan.Ports[frames[0].IngressPort].PlainIngress;

    /// <summary>Whether the frame's destination has the I/G bit set (an empty frame is not: the general path judges it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsGroupAddressed(FrameBuffer frame) => frame.Span is { Length: > 0 } bytes && (bytes[0] & 1) != 0;

    /// <summary>A frame the unicast loop does not take: through the flood path when it qualifies, else the general receive path.</summary>
    private void FloodOutOfLine(ref FrameContext context, FrameBuffer frame, ForwardingPlan plan)
    {
        if (!TryFloodFromPlainPort(frame, plan, ref context, context.Timestamp, context.Second))
        {
            ReceiveOutOfLine(ref context, frame, plan);
        }
    }

    /// <summary>The general receive path for a frame the fast path left alone (out of line: the fast loop stays small).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReceiveOutOfLine(ref FrameContext context, FrameBuffer frame, ForwardingPlan plan)
    {
        context.Begin(frame);
        Receive<LiveMode>(ref context, plan);
    }

    /// <summary>
    /// Forwards frames from <paramref name="start"/> on, all from the port the first came in on, until
    /// one does not qualify (nothing has been done to it then), needs learning, a retag or a queue the
    /// loop does not do, or came in on another port: where it stopped and why.
    /// </summary>
    /// <remarks>
    /// It calls nothing (the enqueue's GC write barrier aside), so the JIT keeps its values in registers
    /// instead of spilling them around calls. Nothing a frame here does changes what it reads once per
    /// run: the run inserts nothing in the FDB (new hosts wait for its end, so the table keeps its
    /// layout), closes no port, floods nothing and holds no learning; the general path, which may, runs
    /// between runs. The host gathers a batch a port's share at a time, so one ingress port per run
    /// lets the port's settings, counters and untagged VLAN be read once.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private FastPathStop ForwardKnownUnicastRun(ReadOnlySpan<FrameBuffer> frames, int start, ForwardingPlan plan, long timestamp, uint second)
    {
        // The run's port: closed, with optional ingress stages, or a hairpin port out of which a
        // unicast flood went moments ago (the ping-pong guard checks those) sends its frame on whole.
        int port = frames[start].IngressPort;
        PortPlan[] ports = plan.Ports;
        if ((uint)port >= (uint)ports.Length)
        {
            return new FastPathStop(start, FastPathExit.Unfit);
        }
        ref PortPlan ingress = ref ports[port];
        ulong portBit = 1UL << port;
        ulong closedPorts = _closedPorts;
        if (((closedPorts | ~plan.PlainIngressPorts | _pingPongGuard.PortsRememberingUnicastFloods(plan.PingPongGuardedPorts & portBit, timestamp)) & portBit) != 0)
        {
            return new FastPathStop(start, FastPathExit.Unfit);
        }
        ulong[] vlanMembers = plan.VlanMembers;
        ulong[] vlanUntagged = plan.VlanUntagged;
        // Destinations a copy from this port goes to straight from its queue (before the VLAN term):
        // the delivery rule's pair terms, open, and without per-copy work.
        ulong peers = ingress.PeerMask & ~(closedPorts | plan.PerCopyWorkPorts);
        int maxFrameSize = plan.MaxFrameSize;
        bool learns = ingress.Learning;
        bool learningHeld = second < _learning.HeldUntil;
        bool isAccess = ingress.IsAccess;
        bool trustsTag = ingress.TrustsTag;
        int pvid = ingress.Pvid;
        int defaultPriorityBits = ingress.DefaultPriorityBits;
        int defaultTrafficClass = ingress.DefaultTrafficClass;
        // Untagged frames are in the port's PVID: admitted (a PVID the port is a member of) or not, once.
        ulong pvidMembers = vlanMembers[pvid];
        bool admitsUntagged = pvid != 0 && (pvidMembers & portBit) != 0;
        FdbTable.Layout fdb = _fdb.CurrentLayout;
        PortCounters received = _counters[port];
        PortCounters[] counters = _counters;
        EgressScheduler[] queues = _enqueue.Queues;
        for (int i = start; i < frames.Length; i++)
        {
            // Checks only, no effects: anything unusual goes to the general path whole.
            FrameBuffer frame = frames[i];
            if (frame.IngressPort != port)
            {
                return new FastPathStop(i, FastPathExit.OtherPort);
            }
            Span<byte> bytes = frame.Span;
            int length = bytes.Length;
            if (length < EthernetReader.HeaderSize || (bytes[0] & 1) != 0 || length > maxFrameSize)
            {
                return new FastPathStop(i, FastPathExit.Unfit);   // a group destination (the I/G bit) floods: not worth parsing here
            }
            // The addresses and the EtherType in two reads: bytes 0-5, and 6-13 (source, then type).
            var destination = new MacAddress(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
            ulong sourceAndType = BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(MacAddress.Size, sizeof(ulong)));
            var source = new MacAddress(sourceAndType >> 16);
            if (source.IsGroup || source.IsZero || source == destination)
            {
                return new FastPathStop(i, FastPathExit.Unfit);   // to itself: learning it may move the destination
            }
            // VLAN ingress (VlanIngressStage.Admit) for the frames it admits without a question: untagged
            // Ethernet II, or one C-tag over Ethernet II on a port that is not an access port. PCP
            // classification (IngressQosStage.Classify) with it: the port default priority unless the
            // port trusts the tag. Other tags and 802.3 length fields are the general path's.
            int vid;
            int priorityBits;
            int trafficClass;
            ulong members;
            int type = (ushort)sourceAndType;
            bool tagged = type == EtherTypes.CustomerVlan;
            if (tagged)
            {
                if (isAccess || length < EthernetReader.HeaderSize + EthernetReader.TagSize)
                {
                    return new FastPathStop(i, FastPathExit.Unfit);
                }
                uint tag = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(EthernetReader.HeaderSize, sizeof(uint)));
                int innerType = (ushort)tag;
                int control = (int)(tag >> 16);
                vid = control & 0x0FFF;
                if (innerType < EtherTypes.MinEtherType || innerType == EtherTypes.CustomerVlan || innerType == EtherTypes.ServiceVlan || vid == 0x0FFF)
                {
                    return new FastPathStop(i, FastPathExit.Unfit);
                }
                if (vid == 0)
                {
                    vid = pvid;
                }
                members = vlanMembers[vid];
                if (vid == 0 || (members & portBit) == 0)
                {
                    return new FastPathStop(i, FastPathExit.Unfit);
                }
                priorityBits = trustsTag ? control & 0xF000 : (control & RuleActions.DeiBit) | defaultPriorityBits;
                trafficClass = plan.ClassOfPriority[priorityBits >> RuleActions.PriorityShift];
            }
            else
            {
                if (type < EtherTypes.MinEtherType || type == EtherTypes.ServiceVlan || !admitsUntagged)
                {
                    return new FastPathStop(i, FastPathExit.Unfit);
                }
                vid = pvid;
                members = pvidMembers;
                priorityBits = defaultPriorityBits;
                trafficClass = defaultTrafficClass;
            }
            // Lookup (no effect; learning the source cannot change the destination's entry, another
            // address, so it may come first): a known destination the delivery rule allows, on a port
            // without per-copy work.
            int target = fdb.Lookup(vid, destination);
            ulong targetBit = 1UL << target;
            if (target < 0 || (members & peers & targetBit) == 0)
            {
                return new FastPathStop(i, FastPathExit.Unfit);
            }

            // The frame qualifies: the general path's effects, in its order.
            frame.SourceVsi = -1;
            received.RxFrames++;
            received.RxBytes += length;
            received.RxUnicast++;
            frame.HasCustomerTag = tagged;
            frame.PriorityBits = (ushort)priorityBits;
            frame.Vid = (ushort)vid;
            frame.TrafficClass = (byte)trafficClass;
            // Learning (LearningStage.Learn) when it is a known host refreshing itself. A new host is
            // learned when the run ends (DeferredLearns: inserting may grow the FDB and change its
            // layout); a hold or a move, out of line at once.
            if (learns)
            {
                FdbTable.RefreshResult learned = learningHeld ? FdbTable.RefreshResult.ElsewhereOrRefused : fdb.TryRefresh(vid, source, port, second);
                if (learned != FdbTable.RefreshResult.Refreshed && (learned != FdbTable.RefreshResult.Absent || !_deferredLearns.TryAdd(vid, source, port)))
                {
                    return new FastPathStop(i, FastPathExit.Learn, vid, target);
                }
            }
            received.Forwarded++;
            // Egress tagging (EgressTaggingStage.Retag) when the copy keeps its form; a push or a pop out of line.
            bool wantTag = (vlanUntagged[vid] & targetBit) == 0;
            if (tagged != wantTag)
            {
                return new FastPathStop(i, FastPathExit.Retag, vid, target);
            }
            if (tagged)
            {
                // A priority-tagged frame (VID 0) leaves with the VID it was classified to.
                BinaryPrimitives.WriteUInt16BigEndian(bytes.Slice(EthernetReader.HeaderSize, sizeof(ushort)), (ushort)(priorityBits | vid));
            }
            // Enqueue (EnqueueStage.TryQueue for a unicast copy), the frame's store into the queue last.
            // The plan's classes are 0-7 already; the mask tells the JIT so (no bounds check).
            trafficClass &= EgressSchedulerConfig.Classes - 1;
            EgressScheduler queue = queues[target];
            if (!queue.HasRoom(trafficClass, length))
            {
                return new FastPathStop(i, FastPathExit.QueueFull, vid, target);
            }
            EnqueueStage.QueueUnicast(queue, counters[target], frame, trafficClass, length);
        }
        return new FastPathStop(frames.Length, FastPathExit.Unfit);
    }

    /// <summary>
    /// The new hosts the last run met, learned in their frames' order as each frame's learning would
    /// have: nothing between read their entries (a frame to one of them found no entry and ended the
    /// run), and the table changed by nothing but these inserts since.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LearnDeferred(ForwardingPlan plan, uint second)
    {
        for (int i = 0; i < _deferredLearns.Count; i++)
        {
            (int vid, MacAddress source, int port) = _deferredLearns[i];
            if (_learning.Learn(vid, source, port, second, ref plan.Ports[port], plan.VlanMembers[vid], _counters[port], plan.MaxLearned))
            {
                OnMoved(vid, source, port, second);   // the same host again from another port, later in the run
            }
        }
        _deferredLearns.Clear();
    }

    /// <summary>A frame the fast loop counted and classified but whose source it does not just refresh: learned as the general path learns, then forwarded.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LearnAndQueueOutOfLine(ref FrameContext context, FrameBuffer frame, int vid, int target, ForwardingPlan plan)
    {
        int port = frame.IngressPort;
        PortCounters counters = _counters[port];
        uint second = context.Second;
        MacAddress source = MacAddress.Read(frame.Span[MacAddress.Size..]);
        if (_learning.Learn(vid, source, port, second, ref plan.Ports[port], plan.VlanMembers[vid], counters, plan.MaxLearned))
        {
            OnMoved(vid, source, port, second);
        }
        counters.Forwarded++;
        RetagAndQueueOutOfLine(ref context, frame, vid, target, plan);
    }

    /// <summary>A copy the fast loop left (for a tag push or pop, or after learning): retagged, queued, or dropped as the general path would.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RetagAndQueueOutOfLine(ref FrameContext context, FrameBuffer frame, int vid, int target, ForwardingPlan plan)
    {
        if (!EgressTaggingStage.Retag(frame, target, plan))
        {
            DropCopyOutOfLine(ref context, frame, vid, target, DropReason.NoHeadroom);
            return;
        }
        if (!_enqueue.TryQueue(frame, target, FrameKind.Unicast, vsi: null))
        {
            DropCopyOutOfLine(ref context, frame, vid, target, DropReason.EgressQueueFull);
        }
    }

    /// <summary>The fast path's copy could not be queued: dropped as the enqueue stage drops one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DropCopyOutOfLine(ref FrameContext context, FrameBuffer frame, int vid, int target, DropReason reason)
    {
        context.Begin(frame);
        context.Kind = FrameKind.Unicast;
        context.Vid = (ushort)vid;
        _enqueue.Drop(ref context, frame, target, reason, vsi: null);
    }

    /// <summary>Why the fast loop stopped at a frame.</summary>
    private enum FastPathExit : byte
    {
        /// <summary>Not for the fast path: nothing done to it yet (or the batch is done).</summary>
        Unfit,
        /// <summary>Counted; its source is to be learned (not just refreshed), then its copy sent.</summary>
        Learn,
        /// <summary>Counted and learned; its copy needs a tag pushed or popped.</summary>
        Retag,
        /// <summary>Counted and learned; its queue is full.</summary>
        QueueFull,
        /// <summary>From another port than the run's: nothing done to it yet, it starts the next run.</summary>
        OtherPort,
        /// <summary>From a port whose frames the policy run leaves to the per-frame path (BridgeEngine.PolicyRun.cs): nothing done to it yet.</summary>
        PerFrame,
        /// <summary>A frame the policy run could take in a run of its own (for another rule meter): nothing done to it yet, it starts the next run.</summary>
        NewRun,
    }

    /// <summary>Where the fast loop stopped, why, and for a copy left to finish, its VID and port (eight bytes: returned in a register).</summary>
    private readonly struct FastPathStop(int index, FastPathExit why, int vid = 0, int target = 0)
    {
        public int Index { get; } = index;
        public FastPathExit Why { get; } = why;
        public byte Target { get; } = (byte)target;
        public ushort Vid { get; } = (ushort)vid;
    }
}
