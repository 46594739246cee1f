// The recording sink of `hairpin trace`. BridgeEngine.Trace runs the engine's own receive path on a
// copy of the frame in trace mode (TraceMode): every stage decides as it does for real, with its side
// effects switched off (no learning, no counter, no ACL hit or cache fill, no policer or storm token,
// no buffer from the pool, nothing queued), and tells this sink what it decided. The sink writes each
// decision down in a network engineer's words and, where a side effect that is switched off would
// change what a later stage sees (learning, port security, pool and queue room), predicts it from the
// engine state it reads (ITraceState), so the trace says what the next batch would do.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class TraceSink
{
    private readonly ITraceState _state;
    private readonly ForwardingPlan _plan;
    private readonly TraceRecorder _record;
    private readonly FrameBuffer _frame;
    private readonly int _port;
    private readonly ulong _down;       // out of forwarding at runtime: error-disabled or without link
    private readonly ulong _linkDown;
    private readonly ulong _mirrorDestinations;
    private int _poolLeft;

    public TraceSink(ITraceState state, FrameBuffer frame)
    {
        _state = state;
        _plan = state.Plan;
        _frame = frame;
        _port = frame.IngressPort;
        _record = new TraceRecorder(_plan, _port);
        _linkDown = state.LinkDownPorts;
        _mirrorDestinations = state.MirrorDestinationPorts;
        _down = state.ErrorDisabledPorts | _linkDown;
        _poolLeft = state.PoolAvailable;
    }

    private string Name(int port) => _record.PortName(port);

    private MacAddress Source => MacAddress.Read(_frame.Span[6..]);

    private MacAddress Destination => MacAddress.Read(_frame.Span);

    private int Priority => _frame.PriorityBits >> 13;

    private bool Dei => (_frame.PriorityBits & 0x1000) != 0;

    /// <summary>The finished trace, its verdict as the receive path left the frame's context.</summary>
    public FrameTrace Seal(DispositionKind fate, DropReason reason) => fate switch
    {
        DispositionKind.Dropped => _record.Sealed(TraceVerdict.Dropped(reason)),
        DispositionKind.ControlPlane => _record.Sealed(TraceVerdict.Trapped),
        _ => _record.Forwarded(),
    };

    private void Dropped(DropReason reason, string stage, string text) => _record.Dropped(reason, stage, text);

    public void UnknownPort() =>
        Dropped(DropReason.UnknownIngressPort, "port-state", $"port index {_port} names no configured port ({_plan.PortCount} configured)");

    public void ErrorDisabled() => Dropped(DropReason.PortErrorDisabled, "port-state", $"port {Name(_port)} is {DescribeErrorDisabled(_port)}");

    /// <summary>Our own loop probe came back; <paramref name="guilty"/> is the port the engine would take down (-1: none).</summary>
    public void OwnProbe(int sentPort, int guilty)
    {
        string then = (uint)sentPort >= (uint)_plan.PortCount
            ? "it left by a port this configuration no longer has"
            : guilty < 0
            ? "the port it left by is already down"
            : $"port {Name(guilty)} would be error-disabled for {_state.LoopHoldSeconds(guilty)} s (loop-detected)";
        string from = (uint)sentPort < (uint)_plan.PortCount ? Name(sentPort) : $"port index {sentPort}";
        Dropped(DropReason.LoopProbeReturned, "loop-probe", $"our own loop probe, sent out of {from}, came back: {then}");
    }

    public void Unreadable(DropReason reason, EthernetCheck check) =>
        Dropped(reason, "sanity", $"{_frame.Length} bytes: not a readable Ethernet frame ({check})");

    public void Oversized() => Dropped(DropReason.MalformedOversized, "sanity", $"{_frame.Length} bytes is over max-frame-size {_plan.MaxFrameSize}");

    public void Sane(in EthernetReader header, FrameKind kind) =>
        _record.Stage("sanity", $"{_frame.Length} bytes, {header.Source} > {header.Destination} ({kind.ToString().ToLowerInvariant()}), {DescribeTags(header)}, type 0x{header.EtherTypeOrLength:x4}");

    public void InvalidSource(MacAddress source) =>
        Dropped(DropReason.InvalidSourceMac, "source-mac", $"source {source} is a {(source.IsZero ? "zero" : "group")} address, never a sender");

    public void LinkDown() => Dropped(DropReason.IngressLinkDown, "port-state", $"port {Name(_port)} has no link (no carrier or no peer): it hears nothing");

    public void PortDisabled() => Dropped(DropReason.IngressPortDisabled, "port-state", $"port {Name(_port)} is disabled");

    public void PortState(PortState state)
    {
        PortConfig config = _plan.Config.Ports[_port];
        _record.Stage("port-state", $"port {Name(_port)}: {state.ToString().ToLowerInvariant()}, hairpin {OnOff(config.Hairpin)}, isolated {OnOff(config.Isolated)}");
    }

    public void BpduGuard(MacAddress destination) =>
        Dropped(DropReason.BpduGuard, "link-local",
            $"STP BPDU to {LinkLocalAddress(destination)} on port {Name(_port)} with bpdu-guard on: the port would be error-disabled for {_state.BpduGuardHoldSeconds(_port)} s");

    public void LinkLocalReleased(MacAddress destination) =>
        _record.Stage("link-local", $"{LinkLocalAddress(destination)}: released by the port's group forward mask, forwarded like multicast");

    public void PauseFrame(MacAddress destination) => Dropped(DropReason.PauseFrame, "link-local", $"{LinkLocalAddress(destination)}: MAC control, never forwarded");

    /// <summary>The control plane's queue has room (the trace queues nothing): trapped; otherwise dropped as the engine would.</summary>
    public bool Trapped(MacAddress destination)
    {
        if (_state.ControlPlaneHasRoom)
        {
            _record.Stage("link-local", $"{LinkLocalAddress(destination)}: {(destination.Value == MacAddress.MvrpValue ? "the port runs MVRP" : "IEEE 802.1Q reserved address")} -> trapped to the control plane");
            return true;
        }
        Dropped(DropReason.ControlPlaneQueueFull, "link-local", $"{LinkLocalAddress(destination)}: to the control plane, whose queue is full");
        return false;
    }

    public void MvrpRelayed() =>
        _record.Stage("link-local", "01:80:c2:00:00:21 (MVRP): this bridge runs no MVRP, forwarded like multicast");

    public void MvrpOffOnPort() =>
        Dropped(DropReason.MvrpOffOnPort, "link-local", $"01:80:c2:00:00:21 (MVRP): port {Name(_port)} does not run MVRP, this bridge does: dropped");

    public void Blocking(PortState state) =>
        Dropped(DropReason.IngressPortBlocking, "port-state", $"port {Name(_port)} is {state.ToString().ToLowerInvariant()}: it forwards nothing");

    /// <summary>What VLAN ingress decided (Stages/VlanIngressStage), from the header it read.</summary>
    public void VlanIngress(in EthernetReader header, ref PortPlan ingress, bool admitted, DropReason reason, int vid)
    {
        if (!admitted && reason is DropReason.StackedTagsOnAccessPort or DropReason.TaggedOnAccessPort)
        {
            string access = $"port {Name(_port)} is an access port (VLAN {ingress.Pvid} untagged)";
            Dropped(reason, "vlan-ingress", reason == DropReason.StackedTagsOnAccessPort
                ? $"{access}: two stacked tags are a VLAN hopping attempt (hopping guard)"
                : $"{access}: a frame tagged {DescribeTags(header)} is a VLAN hopping attempt (hopping guard)");
            return;
        }
        if (!admitted && reason == DropReason.MalformedReservedVid)
        {
            Dropped(reason, "vlan-ingress", "VID 4095 is reserved and never carried");
            return;
        }
        string how;
        if (header.OuterTagProtocol == EtherTypes.CustomerVlan)
        {
            int tagged = header.OuterTagControl & 0x0FFF;
            how = tagged == 0 ? $"priority-tagged: VLAN {ingress.Pvid} (the PVID)" : $"tagged: VLAN {tagged}";
            vid = tagged == 0 ? ingress.Pvid : tagged;
        }
        else
        {
            vid = ingress.Pvid;
            how = $"untagged: VLAN {vid} (the PVID)";
        }
        if (!admitted && reason == DropReason.NoPvid)
        {
            Dropped(reason, "vlan-ingress", $"untagged on port {Name(_port)}, which has no PVID");
        }
        else if (!admitted)
        {
            Dropped(reason, "vlan-ingress", $"{how}, but port {Name(_port)} is not a member of VLAN {vid} (its VLANs: {_plan.Config.Ports[_port].Vlans.Members})");
        }
        else
        {
            _record.Stage("vlan-ingress", how);
        }
    }

    public void PingPong() =>
        Dropped(DropReason.PingPong, "ping-pong",
            $"this bridge flooded this very frame out of {Name(_port)} moments ago, from another port: a neighbour sent it back (nothing is learned from it)");

    /// <summary>What VSI admission (Stages/VsiAdmissionStage) decided: the sender's VSI, or why it passes or not.</summary>
    public void Vsi(bool admitted, int vid)
    {
        string sender = $"{Source} in VLAN {vid}";
        Dictionary<ulong, int>? bindings = _plan.VsiBindings[_port];
        if (admitted && _frame.SourceVsi >= 0)
        {
            int vsi = _frame.SourceVsi;
            _record.Stage("vsi", bindings!.ContainsKey(Fdb.VidMacKey.Of(vid, Source))
                ? $"{sender} is VSI {_plan.VsiNames[vsi]}, associated on {Name(_port)}"
                : $"{sender} is in VLAN {vid}, which VSI {_plan.VsiNames[vsi]} associated whole (a VID-only filter) on {Name(_port)}");
        }
        else if (admitted)
        {
            _record.Stage("vsi", $"{sender} is no VSI of {Name(_port)}, which does not enforce VSI admission: passes");
        }
        else
        {
            Dropped(DropReason.VsiNotAssociated, "vsi", $"{sender} is not associated on {Name(_port)} (802.1Qbg VDP), which admits only its VSIs' (MAC, VID) pairs");
        }
    }

    private string DescribeErrorDisabled(int port)
    {
        PortStatus status = _state.Status(port);
        string cause = KebabNames.Of(status.Cause);
        string until = status.RecoverAtSecond == 0 ? "until an operator recovers it" : $"for {status.RecoverAtSecond - _state.Now} s more";
        return status.Probing
            ? $"error-disabled ({cause}), probing for the loop before it forwards again, {until}"
            : $"error-disabled ({cause}) {until}";
    }

    private static string LinkLocalAddress(MacAddress destination) =>
        destination.Value == MacAddress.MvrpValue ? $"{destination} (MVRP)" : $"{destination} ({LinkLocalName(destination.LinkLocalIndex)})";

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
