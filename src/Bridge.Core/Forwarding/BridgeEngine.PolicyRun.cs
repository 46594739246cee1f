// The policy fast path's run: known unicast from a port with an ingress ACL or ingress QoS, a run of
// one ingress port's frames in one loop, as the known-unicast fast path does for plain ports
// (BridgeEngine.FastPath.cs): the port's settings, policer and counters read once per run, the FDB's
// layout held, new hosts learned when the run ends (DeferredLearns), the receive counters added once.
// The run takes only the common case whole: a permit whose actions at most set the class and police,
// meters that mark the frame green and pass it (Policer.GreenPassMeter), a known destination on a
// plain port in the frame's own form, room in its queue, and a source that is known here or new. It
// asks all of that before the frame's first effect (the ACL's answer comes from its cache by header
// bytes, HeaderFlowCache, and is counted only when the frame is taken), so any other frame ends the
// run untouched and takes the per-frame policy path (BridgeEngine.PolicyPath.cs) or the general one
// whole. A frame the run takes has the per-frame path's effects, in its order but for the receive
// counters, new hosts and its meters' green marks: those at the run's end, where nothing between can
// have read them. A meter marks a frame green while its tokens cover the frame's bytes, so a run's
// frames are all green while their bytes add up to at most what the meter held when the run began
// (SingleRateMeter.GreenBudget): the run asks that sum, and takes and counts it once at its end.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Acl;
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
    /// A live untapped batch that starts on a policy port: runs of frames through the policy run, and
    /// each frame a run leaves through the per-frame policy path or, when that declines, the general one.
    /// </summary>
    private void RunPolicyBatch(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan, ref FrameContext context)
    {
        long timestamp = context.Timestamp;
        uint second = context.Second;
        for (int next = 0; next < frames.Length; next++)
        {
            FastPathStop stop = ForwardPolicedRun(frames, next, plan, timestamp, second);
            if (_deferredLearns.Count != 0)
            {
                LearnDeferred(plan, second);   // before anything else reads the FDB
            }
            next = stop.Index;
            if (next >= frames.Length)
            {
                return;
            }
            if (stop.Why is FastPathExit.OtherPort or FastPathExit.NewRun)
            {
                next--;   // a new run for the next port's frames, or for a frame the last run could not take with its own
                continue;
            }
            int port = frames[next].IngressPort;
            do
            {
                FrameBuffer frame = frames[next];
                if (!TryForwardPolicedUnicast(frame, plan, ref context, timestamp, second))
                {
                    ReceiveOutOfLine(ref context, frame, plan);
                }
            }
            while (stop.Why == FastPathExit.PerFrame && ++next < frames.Length && frames[next].IngressPort == port);
            if (stop.Why == FastPathExit.PerFrame && next < frames.Length)
            {
                next--;   // a new run from the next port's first frame
            }
        }
    }

    /// <summary>
    /// Forwards frames from <paramref name="start"/> on, all from the port the first came in on, until
    /// one needs more than the run does or came in on another port (nothing has been done to it then):
    /// where it stopped and why. A port whose frames all need more (a policer the run does not meter, a
    /// learning hold) stops at once with <see cref="FastPathExit.PerFrame"/>.
    /// </summary>
    /// <remarks>
    /// Nothing a frame here does changes what the run read once: it inserts nothing in the FDB, closes
    /// no port, floods nothing, holds no learning and changes no plan; the per-frame and general paths,
    /// which may, run between runs. The port's meter and one rule meter are metered by the run (a frame
    /// for another rule meter starts a run of its own, one meter serving a frame twice, as rule and port
    /// policer, is left to the per-frame path): nothing else takes from them until the run ends.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private FastPathStop ForwardPolicedRun(ReadOnlySpan<FrameBuffer> frames, int start, ForwardingPlan plan, long timestamp, uint second)
    {
        // The run's port: closed, without policy, or a hairpin port out of which a unicast flood went
        // moments ago (the ping-pong guard checks those) sends its frame on whole.
        int port = frames[start].IngressPort;
        PortPlan[] ports = plan.Ports;
        if ((uint)port >= (uint)ports.Length)
        {
            return new FastPathStop(start, FastPathExit.Unfit);
        }
        ref PortPlan ingress = ref ports[port];
        ulong portBit = 1UL << port;
        ulong closedPorts = _closedPorts;
        if ((closedPorts & portBit) != 0 || !ingress.PolicyIngress
            || (ingress.GuardsPingPong && _pingPongGuard.RemembersFloodsOutOf(port, FrameKind.Unicast, timestamp)))
        {
            return new FastPathStop(start, FastPathExit.Unfit);
        }
        bool learns = ingress.Learning;
        bool qos = (ingress.Stages & IngressStages.IngressQos) != 0;
        Policer? portPolicer = qos && ingress.Policer >= 0 ? plan.Policers[ingress.Policer] : null;
        SingleRateMeter? portMeter = portPolicer?.GreenPassMeter;
        if ((portPolicer is not null && portMeter is null) || (learns && second < _learning.HeldUntil))
        {
            return new FastPathStop(start, FastPathExit.PerFrame);
        }
        CompiledAcl? acl = plan.IngressAcls[port];
        HeaderFlowCache? headerCache = acl?.HeaderCache;
        if (acl is not null && headerCache is null)
        {
            return new FastPathStop(start, FastPathExit.PerFrame);
        }
        bool trustsDscp = qos && ingress.TrustsDscp;
        ulong[] vlanMembers = plan.VlanMembers;
        ulong[] vlanUntagged = plan.VlanUntagged;
        byte[] classOfPriority = plan.ClassOfPriority;
        Policer[] policers = plan.Policers;
        // Destinations a copy from this port goes to straight from its queue (before the VLAN term):
        // the delivery rule's pair terms, open, and without per-copy work.
        ulong peers = ingress.PeerMask & ~(closedPorts | plan.PerCopyWorkPorts);
        int maxFrameSize = plan.MaxFrameSize;
        bool isAccess = ingress.IsAccess;
        bool trustsTag = ingress.TrustsTag;
        int pvid = ingress.Pvid;
        int defaultPriorityBits = ingress.DefaultPriorityBits;
        ulong pvidMembers = vlanMembers[pvid];
        bool admitsUntagged = pvid != 0 && (pvidMembers & portBit) != 0;
        FdbTable.Layout fdb = _fdb.CurrentLayout;
        long fdbVersion = _fdb.LayoutVersion;
        PortCounters[] counters = _counters;
        EgressScheduler[] queues = _enqueue.Queues;
        // The port's meter takes every frame of the run; the rule meter, those of its rule.
        long portBudget = portMeter is null ? long.MaxValue : portMeter.GreenBudget(timestamp);
        if (portBudget < 0)
        {
            return new FastPathStop(start, FastPathExit.Unfit);   // due a refill: the per-frame path's Mark refills it
        }
        Policer? runRulePolicer = null;
        SingleRateMeter? runRuleMeter = null;
        long ruleBudget = 0;
        long ruleFrames = 0;
        long ruleBytes = 0;
        long runFrames = 0;
        long runBytes = 0;
        FastPathExit why = FastPathExit.Unfit;
        int i = start;
        for (; i < frames.Length; i++)
        {
            // Checks only, no effects: anything unusual goes to the per-frame path whole.
            FrameBuffer frame = frames[i];
            if (frame.IngressPort != port)
            {
                why = FastPathExit.OtherPort;
                break;
            }
            Span<byte> room = frame.WritableSpan;   // the frame and its buffer's tailroom: the ACL's header cache reads into it
            int length = frame.Length;
            Span<byte> bytes = room[..length];
            if (length < EthernetReader.HeaderSize || (bytes[0] & 1) != 0 || length > maxFrameSize)
            {
                break;
            }
            var destination = new MacAddress(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
            ulong sourceAndType = BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(MacAddress.Size, sizeof(ulong)));
            var source = new MacAddress(sourceAndType >> 16);
            if (source.IsGroup || source.IsZero || source == destination)
            {
                break;   // to itself: learning it may move the destination
            }
            // VLAN ingress (VlanIngressStage.PlainVid and the membership test) for untagged Ethernet II,
            // or one C-tag over Ethernet II on a port that is not an access port, with the PCP
            // classification (the port default unless the port trusts the tag).
            int vid;
            int priorityBits;
            ulong members;
            int type = (ushort)sourceAndType;
            int ip = EthernetReader.HeaderSize;
            bool tagged = type == EtherTypes.CustomerVlan;
            if (tagged)
            {
                if (isAccess || length < EthernetReader.HeaderSize + EthernetReader.TagSize)
                {
                    break;
                }
                uint tag = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(EthernetReader.HeaderSize, sizeof(uint)));
                type = (ushort)tag;
                int control = (int)(tag >> 16);
                vid = control & 0x0FFF;
                if (type < EtherTypes.MinEtherType || type == EtherTypes.CustomerVlan || type == EtherTypes.ServiceVlan || vid == 0x0FFF)
                {
                    break;
                }
                if (vid == 0)
                {
                    vid = pvid;
                }
                members = vlanMembers[vid];
                if (vid == 0 || (members & portBit) == 0)
                {
                    break;
                }
                priorityBits = trustsTag ? control & 0xF000 : (control & RuleActions.DeiBit) | defaultPriorityBits;
                ip += EthernetReader.TagSize;
            }
            else
            {
                if (type < EtherTypes.MinEtherType || type == EtherTypes.ServiceVlan || !admitsUntagged)
                {
                    break;
                }
                vid = pvid;
                members = pvidMembers;
                priorityBits = defaultPriorityBits;
            }
            // The ACL (AclStage.AdmitIngress), looked up, not yet counted: a permit that at most sets a
            // class and polices. DSCP trust (IngressQosStage.Admit) reads the header's DSCP.
            int decided = 0;
            int decision = CompiledAcl.DecisionNone;
            int dscp = -1;
            ref HeaderFlowCache.Entry flow = ref Unsafe.NullRef<HeaderFlowCache.Entry>();
            if (headerCache is not null)
            {
                int ipv4 = FastFlowKey.Locate(bytes, out bool tcp);
                if (ipv4 < 0)
                {
                    break;
                }
                flow = ref headerCache.Find(room, length, ipv4, tcp, vid, port, destination.Value, source.Value);
                if (Unsafe.IsNullRef(ref flow))
                {
                    break;
                }
                decided = flow.Decided;
                decision = flow.Decision;
                if ((decision & (CompiledAcl.DecisionDeny | CompiledAcl.DecisionMore)) != 0)
                {
                    break;
                }
                dscp = bytes[ipv4 + 1] >> 2;
            }
            else if (trustsDscp)
            {
                dscp = DscpRewriter.ReadAt(bytes, ip, type);
            }
            // Lookup (no effect; learning the source cannot change the destination's entry, another
            // address): a known destination the delivery rule allows, on a plain port, in the frame's
            // form. The flow's cache entry keeps the FDB's answers while its layout stands.
            int target;
            int sourceSlot = -1;
            if (!Unsafe.IsNullRef(ref flow) && flow.FdbVersion == fdbVersion)
            {
                target = flow.Target;
                sourceSlot = flow.SourceSlot;
            }
            else
            {
                target = fdb.Lookup(vid, destination);
            }
            ulong targetBit = 1UL << target;
            if (target < 0 || (members & peers & targetBit) == 0 || tagged == ((vlanUntagged[vid] & targetBit) != 0))
            {
                break;
            }
            if (trustsDscp && dscp >= 0)
            {
                priorityBits = (priorityBits & RuleActions.DeiBit) | ((dscp >> 3) << RuleActions.PriorityShift);
            }
            int trafficClass = classOfPriority[priorityBits >> RuleActions.PriorityShift];
            // The rule's class and meter, then the port's meter (IngressQosStage.Admit), each to mark
            // the frame green and pass it: within the meter's green budget for the run, taken at its end.
            bool ruleMetered = false;
            if (qos)
            {
                MeterColor color = (priorityBits & RuleActions.DeiBit) != 0 ? MeterColor.Yellow : MeterColor.Green;
                if (decision != CompiledAcl.DecisionNone)
                {
                    int ruleClass = (sbyte)decision;
                    int meter = (short)(decision >> 8);
                    if (ruleClass >= 0)
                    {
                        trafficClass = ruleClass;
                    }
                    if (meter >= 0)
                    {
                        // The run meters one rule meter (the first it meets); a frame for another starts a run of its own.
                        Policer rulePolicer = policers[meter];
                        if (rulePolicer != runRulePolicer)
                        {
                            if (runRulePolicer is not null)
                            {
                                why = FastPathExit.NewRun;
                                break;
                            }
                            runRuleMeter = rulePolicer.GreenPassMeter;
                            if (runRuleMeter is null || rulePolicer == portPolicer || (ruleBudget = runRuleMeter.GreenBudget(timestamp)) < 0)
                            {
                                break;
                            }
                            runRulePolicer = rulePolicer;
                        }
                        if (!rulePolicer.StartsGreen(color) || ruleBytes + length > ruleBudget)
                        {
                            break;
                        }
                        ruleMetered = true;
                        color = MeterColor.Green;
                    }
                }
                if (portMeter is not null && (!portPolicer!.StartsGreen(color) || runBytes + length > portBudget))
                {
                    break;
                }
            }
            // The queue (the plan's classes are 0-7 already; the mask tells the JIT so).
            trafficClass &= EgressSchedulerConfig.Classes - 1;
            EgressScheduler queue = queues[target];
            if (!queue.HasRoom(trafficClass, length))
            {
                break;
            }
            // Learning (LearningStage.Learn), last of the checks: a known host refreshing itself (the
            // refresh the frame's first effect), or a new one, learned when the run ends.
            if (learns)
            {
                if (sourceSlot >= 0)
                {
                    fdb.Refresh(sourceSlot, second);   // the slot TryRefresh found it in, under this layout
                }
                else
                {
                    FdbTable.RefreshResult learned = fdb.TryRefresh(vid, source, port, second, out int slot);
                    if (learned == FdbTable.RefreshResult.Refreshed)
                    {
                        sourceSlot = slot;
                    }
                    else if (learned != FdbTable.RefreshResult.Absent || !_deferredLearns.TryAdd(vid, source, port))
                    {
                        break;
                    }
                }
            }
            if (!Unsafe.IsNullRef(ref flow))
            {
                flow.FdbVersion = fdbVersion;
                flow.Target = target;
                flow.SourceSlot = sourceSlot;
            }

            // The frame is the run's: the per-frame path's effects, in its order.
            frame.SourceVsi = -1;
            runFrames++;
            runBytes += length;
            frame.HasCustomerTag = tagged;
            frame.Vid = (ushort)vid;
            frame.PriorityBits = (ushort)priorityBits;
            frame.TrafficClass = (byte)trafficClass;
            acl?.CountHit(decided, length);
            if (ruleMetered)
            {
                ruleFrames++;
                ruleBytes += length;
            }
            if (tagged)
            {
                // Egress tagging in the frame's form: the classified priority and VID (a priority-tagged frame's too).
                BinaryPrimitives.WriteUInt16BigEndian(bytes.Slice(EthernetReader.HeaderSize, sizeof(ushort)), (ushort)(priorityBits | vid));
            }
            EnqueueStage.QueueUnicast(queue, counters[target], frame, trafficClass, length);
        }
        if (runFrames != 0)
        {
            PortCounters received = counters[port];
            received.RxFrames += runFrames;
            received.RxBytes += runBytes;
            received.RxUnicast += runFrames;
            received.Forwarded += runFrames;
            if (portMeter is not null)
            {
                portMeter.TakeGreen(runBytes);
                portPolicer!.CountGreen(runFrames, runBytes);
            }
        }
        if (ruleFrames != 0)
        {
            runRuleMeter!.TakeGreen(ruleBytes);
            runRulePolicer!.CountGreen(ruleFrames, ruleBytes);
        }
        return new FastPathStop(i, why);
    }
}
