// The station role of 802.1Qbg on a hypervisor's uplink (what lldpad does for libvirt): the EVB link
// (LLDP asking for reflective relay, ECP) with the VDP station machine on top. VDP waits until the
// bridge's EVB TLV has been heard, runs at the negotiated timers, and starts over when the bridge goes.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Bridge.Core.Qbg;

/// <summary>
/// The host says which VSIs it wants through <see cref="Vdp"/> (Associate, Deassociate), passes the
/// uplink's LLDP and ECP frames to <see cref="Receive"/>, calls <see cref="Tick"/> by
/// <see cref="NextDeadline"/>, and sends what both hand back. Not thread-safe: the uplink's control
/// loop owns it.
/// </summary>
public sealed class EvbStationPort
{
    private readonly List<byte[]> _delivered = [];
    private readonly List<byte[]> _givenUp = [];
    private readonly List<byte[]> _requests = [];
    private bool _hadEvbNeighbor;

    /// <param name="settings">What the station asks for: reflective relay (RRREQ) by default, and its timers.</param>
    public EvbStationPort(MacAddress portMac, EvbSettings settings, LldpSettings? lldp = null)
    {
        Link = new EvbLink(portMac, EvbMode.Station, settings, lldp);
        Vdp = new VdpStation();
        ApplyOperationalTimers();
    }

    public EvbLink Link { get; }
    public VdpStation Vdp { get; }

    /// <summary>The bridge's last EVB TLV granted reflective relay (RRCTR): VM-to-VM frames come back down.</summary>
    public bool ReflectiveRelay => Link.Lldp.ReflectiveRelay;

    /// <summary>True once the bridge's EVB TLV has been heard: VDP requests go out only then (lldpad refuses them before too).</summary>
    public bool BridgeHeard => Link.EvbNeighbor;

    /// <summary>When <see cref="Tick"/> has work: LLDP, ECP, or (once the bridge is heard) a VDP request or overdue answer.</summary>
    public TimeSpan NextDeadline
    {
        get
        {
            TimeSpan link = Link.NextDeadline;
            return Link.EvbNeighbor && Vdp.NextDeadline is TimeSpan vdp && vdp < link ? vdp : link;
        }
    }

    /// <summary>An LLDP or ECP frame from the uplink; frames to send go to <paramref name="transmit"/>.</summary>
    public void Receive(ReadOnlySpan<byte> frame, TimeSpan now, List<byte[]> transmit)
    {
        _delivered.Clear();
        Link.Receive(frame, now, transmit, _delivered);
        foreach (byte[] payload in _delivered)
        {
            Vdp.Receive(payload, now);   // malformed ones are counted by Vdp.Counters
        }
        Tick(now, transmit);   // a refused answer's retry, or requests held until this LLDP, leave now
    }

    /// <summary>
    /// Timers: LLDP transmission and ageing, ECP retransmission (a VDPDU ECP gives up on counts as
    /// unanswered), VDP requests and keep-alives. A bridge whose EVB TLV is gone takes our VSIs with it.
    /// </summary>
    public void Tick(TimeSpan now, List<byte[]> transmit)
    {
        ArgumentNullException.ThrowIfNull(transmit);
        LinkTick(now, transmit);
        bool evbNeighbor = Link.EvbNeighbor;
        if (_hadEvbNeighbor && !evbNeighbor)
        {
            Vdp.Restart();
        }
        _hadEvbNeighbor = evbNeighbor;
        if (!evbNeighbor)
        {
            return;
        }
        _requests.Clear();
        Vdp.Tick(now, _requests);
        if (_requests.Count == 0)
        {
            return;
        }
        foreach (byte[] request in _requests)
        {
            Link.Send(request);   // a full ECP queue is counted there; the VSI then times out and is resent
        }
        LinkTick(now, transmit);   // ECP sends the first of them now; LLDP has nothing more due at this instant
    }

    /// <summary>The LLDP shutdown frame (TTL 0): the bridge forgets this station at once. Sent last, after any De-Associates.</summary>
    public byte[] Shutdown() => Link.Shutdown();

    private void LinkTick(TimeSpan now, List<byte[]> transmit)
    {
        _givenUp.Clear();
        Link.Tick(now, transmit, _givenUp);
        foreach (byte[] payload in _givenUp)
        {
            Vdp.Unacknowledged(payload);
        }
        ApplyOperationalTimers();
    }

    // The keep-alive period and the wait for an answer follow the timers both ends agreed on.
    private void ApplyOperationalTimers()
    {
        EvbTimers timers = Link.Operational;
        Vdp.SetKeepAliveInterval(VdpTimers.KeepAliveInterval(timers.Rka));
        Vdp.SetResponseWait(VdpTimers.ResponseWait(timers.R, timers.Rte, timers.Rwd));
    }
}
