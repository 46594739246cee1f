// The trace walk: BridgeEngine.Receive's stages in the same order (sanity, source address, port
// state, loop probe, link-local, VLAN ingress, VSI admission, port security, ACLs, QoS, learning,
// forwarding, egress), each written down instead of acted on. Every decision reuses the engine's own helpers
// (DeliveryRule, LinkLocalPolicy, BpduDetector, the ACL search) so the two cannot drift apart; state
// a stage would change (FDB, meters, counters) is only read. One tracer per trace.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class FrameTracer
{
    private const int ReservedVid = 0xFFF;

    private readonly ITraceState _state;
    private readonly ForwardingPlan _plan;
    private readonly TraceRecorder _record;
    private readonly TraceFrame _frame;
    private readonly ulong _down;
    private int _poolLeft;
    // How a flood shares buffers (BridgeEngine.Flood): the form the original leaves in, whether a queue
    // already holds it, and whether the copy in the other form is made.
    private bool _sharedOriginalTagged;
    private bool _originalShared;
    private bool _otherFormMade;

    private FrameTracer(ITraceState state, int port, byte[] bytes)
    {
        _state = state;
        _plan = state.Plan;
        _record = new TraceRecorder(_plan, port);
        _frame = new TraceFrame(bytes, port);
        _down = state.ErrorDisabledPorts;
        _poolLeft = state.PoolAvailable;
    }

    public static FrameTrace Run(ITraceState state, int port, ReadOnlySpan<byte> frame) =>
        new FrameTracer(state, port, frame.ToArray()).Ingress();

    private string Name(int port) => _record.PortName(port);

    private FrameTrace Ingress()
    {
        int port = _frame.IngressPort;
        if ((uint)port >= (uint)_plan.PortCount)
        {
            return _record.Dropped(DropReason.UnknownIngressPort, "port-state", $"port index {port} names no configured port ({_plan.PortCount} configured)");
        }
        if ((_down & (1UL << port)) != 0)
        {
            if (_state.Status(port).Probing && OwnProbe() is FrameTrace probeOnProbingPort)
            {
                return probeOnProbingPort;
            }
            return _record.Dropped(DropReason.PortErrorDisabled, "port-state", $"port {Name(port)} is {DescribeErrorDisabled(port)}");
        }
        var header = new EthernetReader(_frame.Bytes);
        if (!header.IsValid)
        {
            return _record.Dropped(BridgeEngine.MalformedReasonFor(header.Check), "sanity", $"{_frame.Length} bytes: not a readable Ethernet frame ({header.Check})");
        }
        _frame.Kind = BridgeEngine.KindFor(header.Destination);
        string kind = _frame.Kind.ToString().ToLowerInvariant();
        if (_frame.Length > _plan.MaxFrameSize)
        {
            return _record.Dropped(DropReason.MalformedOversized, "sanity", $"{_frame.Length} bytes is over max-frame-size {_plan.MaxFrameSize}");
        }
        _record.Stage("sanity", $"{_frame.Length} bytes, {header.Source} > {header.Destination} ({kind}), {DescribeTags(header)}, type 0x{header.EtherTypeOrLength:x4}");
        if (header.Source.IsGroup || header.Source.IsZero)
        {
            return _record.Dropped(DropReason.InvalidSourceMac, "source-mac", $"source {header.Source} is a {(header.Source.IsZero ? "zero" : "group")} address, never a sender");
        }
        ref PortPlan ingress = ref _plan.Ports[port];
        PortConfig config = _plan.Config.Ports[port];
        if (ingress.State == PortState.Disabled)
        {
            return _record.Dropped(DropReason.IngressPortDisabled, "port-state", $"port {Name(port)} is disabled");
        }
        _record.Stage("port-state", $"port {Name(port)}: {ingress.State.ToString().ToLowerInvariant()}, hairpin {OnOff(config.Hairpin)}, isolated {OnOff(config.Isolated)}");
        if (header.Destination == LoopProbe.Destination && OwnProbe() is FrameTrace probe)
        {
            return probe;
        }
        if (header.Destination.IsLinkLocalGroup && LinkLocal(header.Destination, ref ingress) is FrameTrace consumed)
        {
            return consumed;
        }
        if (ingress.State != PortState.Forwarding)
        {
            return _record.Dropped(DropReason.IngressPortBlocking, "port-state", $"port {Name(port)} is {ingress.State.ToString().ToLowerInvariant()}: it forwards nothing");
        }
        return VlanIngress(in header, ref ingress);
    }

    /// <summary>Null unless the frame is a loop probe of this bridge; then the finished trace, with the port it would take down (ConsumeOwnProbe's rule).</summary>
    private FrameTrace? OwnProbe()
    {
        if (!LoopProbe.TryRead(_frame.Bytes, out MacAddress bridge, out int sentPort) || bridge != _state.BridgeAddress)
        {
            return null;
        }
        int port = _frame.IngressPort;
        string then;
        if ((uint)sentPort >= (uint)_plan.PortCount)
        {
            then = "it left by a port this configuration no longer has";
        }
        else
        {
            int guilty = _state.Status(sentPort).Probing ? sentPort
                : _state.Status(port).Probing || !_state.Status(sentPort).IsErrorDisabled ? port
                : -1;
            then = guilty < 0
                ? "the port it left by is already down"
                : $"port {Name(guilty)} would be error-disabled for {_state.LoopHoldSeconds(guilty)} s (loop-detected)";
        }
        string from = (uint)sentPort < (uint)_plan.PortCount ? Name(sentPort) : $"port index {sentPort}";
        return _record.Dropped(DropReason.LoopProbeReturned, "loop-probe", $"our own loop probe, sent out of {from}, came back: {then}");
    }

    /// <summary>Null when the port's group forward mask releases the address; otherwise the finished trace.</summary>
    private FrameTrace? LinkLocal(MacAddress destination, ref PortPlan ingress)
    {
        int port = _frame.IngressPort;
        string address = $"{destination} ({LinkLocalName(destination.LinkLocalIndex)})";
        if (ingress.BpduGuard && BpduDetector.IsSpanningTreeBpdu(_frame.Bytes))
        {
            return _record.Dropped(DropReason.BpduGuard, "link-local",
                $"STP BPDU to {address} on port {Name(port)} with bpdu-guard on: the port would be error-disabled for {_state.BpduGuardHoldSeconds(port)} s");
        }
        switch (LinkLocalPolicy.Decide(destination.LinkLocalIndex, ingress.GroupForwardMask))
        {
            case LinkLocalAction.Forward:
                _record.Stage("link-local", $"{address}: released by the port's group forward mask, forwarded like multicast");
                return null;
            case LinkLocalAction.Drop:
                return _record.Dropped(DropReason.PauseFrame, "link-local", $"{address}: MAC control, never forwarded");
            default:
                return _state.ControlPlaneHasRoom
                    ? _record.Trapped("link-local", $"{address}: IEEE 802.1Q reserved address -> trapped to the control plane")
                    : _record.Dropped(DropReason.ControlPlaneQueueFull, "link-local", $"{address}: to the control plane, whose queue is full");
        }
    }

    private FrameTrace VlanIngress(in EthernetReader header, ref PortPlan ingress)
    {
        int port = _frame.IngressPort;
        if (ingress.IsAccess && header.TagCount != 0)
        {
            string access = $"port {Name(port)} is an access port (VLAN {ingress.Pvid} untagged)";
            if (header.TagCount > 1)
            {
                return _record.Dropped(DropReason.StackedTagsOnAccessPort, "vlan-ingress", $"{access}: two stacked tags are a VLAN hopping attempt (hopping guard)");
            }
            if (header.OuterTagProtocol != EtherTypes.CustomerVlan || header.OuterVid != 0)
            {
                return _record.Dropped(DropReason.TaggedOnAccessPort, "vlan-ingress", $"{access}: a frame tagged {DescribeTags(header)} is a VLAN hopping attempt (hopping guard)");
            }
        }
        int vid;
        string how;
        if (header.OuterTagProtocol == EtherTypes.CustomerVlan)
        {
            ushort control = header.OuterTagControl;
            vid = control & 0x0FFF;
            if (vid == ReservedVid)
            {
                return _record.Dropped(DropReason.MalformedReservedVid, "vlan-ingress", "VID 4095 is reserved and never carried");
            }
            _frame.HasCustomerTag = true;
            _frame.PriorityBits = (ushort)(control & 0xF000);
            how = vid == 0 ? $"priority-tagged: VLAN {ingress.Pvid} (the PVID)" : $"tagged: VLAN {vid}";
            vid = vid == 0 ? ingress.Pvid : vid;
        }
        else
        {
            _frame.HasCustomerTag = false;
            _frame.PriorityBits = 0;
            vid = ingress.Pvid;
            how = $"untagged: VLAN {vid} (the PVID)";
        }
        if (vid == 0)
        {
            return _record.Dropped(DropReason.NoPvid, "vlan-ingress", $"untagged on port {Name(port)}, which has no PVID");
        }
        if (!_plan.IsMember(port, vid))
        {
            return _record.Dropped(DropReason.IngressVlanFiltered, "vlan-ingress",
                $"{how}, but port {Name(port)} is not a member of VLAN {vid} (its VLANs: {_plan.Config.Ports[port].Vlans.Members})");
        }
        _frame.Vid = vid;
        _record.Stage("vlan-ingress", how);
        if (ingress.GuardsPingPong && _state.IsOwnFloodReturned(port, _frame.Kind, _frame.Bytes, _frame.HasCustomerTag))
        {
            return _record.Dropped(DropReason.PingPong, "ping-pong",
                $"this bridge flooded this very frame out of {Name(port)} moments ago, from another port: a neighbour sent it back (nothing is learned from it)");
        }
        if (ingress.ChecksVsiSource && VsiSource(ref ingress) is FrameTrace refused)
        {
            return refused;
        }
        return Policy(ref ingress);
    }

    private FrameTrace Policy(ref PortPlan ingress)
    {
        if (ingress.Secured && SecureSource(ref ingress) is FrameTrace violation)
        {
            return violation;
        }
        if (ingress.HasIngressPolicy && IngressAcls() is FrameTrace denied)
        {
            return denied;
        }
        Classify(ref ingress);
        if (ingress.HasIngressQos)
        {
            IngressQos(ref ingress);
        }
        Learning(ref ingress);
        return Forward(ref ingress);
    }

    private string DescribeErrorDisabled(int port)
    {
        PortStatus status = _state.Status(port);
        string cause = Counters.KebabNames.Of(status.Cause);
        string until = status.RecoverAtSecond == 0 ? "until an operator recovers it" : $"for {status.RecoverAtSecond - _state.Now} s more";
        return status.Probing
            ? $"error-disabled ({cause}), probing for the loop before it forwards again, {until}"
            : $"error-disabled ({cause}) {until}";
    }

    private static string DescribeTags(in EthernetReader header)
    {
        if (header.TagCount == 0)
        {
            return "untagged";
        }
        string kind = header.OuterTagProtocol == EtherTypes.CustomerVlan ? "vlan" : $"tpid 0x{header.OuterTagProtocol:x4} vlan";
        string tags = $"{kind} {header.OuterVid} pcp {header.OuterPcp}";
        return header.TagCount > 1 ? $"{tags} (+{header.TagCount - 1} inner tag)" : tags;
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    /// <summary>IEEE 802.1Q-2018 Table 8-1 names for 01-80-C2-00-00-0X.</summary>
    private static string LinkLocalName(int index) => index switch
    {
        0x0 => "STP/RSTP BPDU, EVB",
        0x1 => "pause",
        0x2 => "slow protocols: LACP",
        0x3 => "802.1X",
        0xE => "LLDP",
        _ => "reserved",
    };
}
