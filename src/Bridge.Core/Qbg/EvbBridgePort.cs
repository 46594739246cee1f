// The bridge role of 802.1Qbg on one port: the EVB link (LLDP + ECP) with the VDP bridge machine on
// top. Reflective relay follows the negotiation; every VDP request is answered over ECP and its
// decisions handed to the host, which publishes them before the answer can be acted on. A request the
// policy deferred is answered later, when the host replays it, through the same ECP path.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Bridge.Core.Qbg;

/// <summary>Not thread-safe: the port's control loop owns it.</summary>
public sealed class EvbBridgePort
{
    private readonly List<byte[]> _delivered = [];
    private bool _hadEvbNeighbor;

    public EvbBridgePort(MacAddress portMac, EvbSettings settings, IVsiPolicy policy, int maxVsis = VdpBridge.DefaultMaxVsis, LldpSettings? lldp = null)
    {
        Link = new EvbLink(portMac, EvbMode.Bridge, settings, lldp);
        Vdp = new VdpBridge(policy, maxVsis);
        Vdp.SetKeepAliveWindow(VdpTimers.KeepAliveWindow(Link.Operational.Rka));
    }

    public EvbLink Link { get; }
    public VdpBridge Vdp { get; }

    /// <summary>The station asked for reflective relay in its last LLDP, and we granted it (RRCTR).</summary>
    public bool ReflectiveRelay => Link.Lldp.ReflectiveRelay;

    /// <summary>VDPDUs that were malformed or lacked a Manager ID: counted, never answered.</summary>
    public long VdpDropped { get; private set; }

    public TimeSpan NextDeadline
    {
        get
        {
            TimeSpan link = Link.NextDeadline;
            return Vdp.NextDeadline is TimeSpan vdp && vdp < link ? vdp : link;
        }
    }

    /// <summary>A trapped frame of this port. Frames to send go to <paramref name="transmit"/>, what changed to <paramref name="decisions"/>.</summary>
    public void Receive(ReadOnlySpan<byte> frame, TimeSpan now, List<byte[]> transmit, List<VsiDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        _delivered.Clear();
        Link.Receive(frame, now, transmit, _delivered);
        foreach (byte[] payload in _delivered)
        {
            Deliver(Vdp.Receive(payload, now), decisions);
        }
        Tick(now, transmit, decisions);   // the answer leaves now, not at the next timer
    }

    /// <summary>
    /// Answers now a request the policy deferred: <paramref name="request"/> is the
    /// <see cref="VsiDecision.Request"/> of a <see cref="VsiDecisionKind.Deferred"/> decision of this
    /// port. The answer goes to the station over ECP as an answer to a received frame does (frames to
    /// send to <paramref name="transmit"/>), the decisions to <paramref name="decisions"/>; the policy
    /// is asked again, so it may defer again. False, with nothing done, when the port hears no EVB
    /// station any more: the one that asked is gone and its VSIs with it.
    /// </summary>
    public bool Replay(VdpMessage request, TimeSpan now, List<byte[]> transmit, List<VsiDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decisions);
        if (!Link.EvbNeighbor)
        {
            return false;
        }
        Deliver(Vdp.Replay(request, now), decisions);
        Tick(now, transmit, decisions);   // the answer leaves now, not at the next timer
        return true;
    }

    private void Deliver(VdpAnswer answer, List<VsiDecision> decisions)
    {
        if (answer.Response is VdpMessage response)
        {
            Link.Send(VdpCodec.Encode(response));
        }
        else if (answer.DropReason is not null)
        {
            VdpDropped++;   // not a VDPDU whose every TLV was deferred or was itself an answer: those are not drops
        }
        decisions.AddRange(answer.Decisions);
    }

    /// <summary>Timers: LLDP, ECP, keep-alive expiry; a station whose EVB neighbour is gone loses its VSIs.</summary>
    public void Tick(TimeSpan now, List<byte[]> transmit, List<VsiDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        Link.Tick(now, transmit);
        Vdp.SetKeepAliveWindow(VdpTimers.KeepAliveWindow(Link.Operational.Rka));
        bool evbNeighbor = Link.EvbNeighbor;
        if (_hadEvbNeighbor && !evbNeighbor)
        {
            decisions.AddRange(Vdp.Clear());
        }
        _hadEvbNeighbor = evbNeighbor;
        decisions.AddRange(Vdp.Tick(now));
    }
}
