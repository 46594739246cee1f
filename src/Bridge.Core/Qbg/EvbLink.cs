// One port's 802.1Qbg link layer, the same in both roles: the LLDP agent carrying the EVB TLV, and the
// ECP endpoint carrying VDP, behind one frame-in/frames-out surface. It keeps ECP at the negotiated
// timers (max of local and remote) and resets it when the neighbour goes, so the VDP role above deals
// only in VDP payloads. Pure: frames and `now` in; frames to send and VDP payloads delivered out.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Qbg.Lldp;

namespace Hairpin.Bridge.Core.Qbg;

/// <summary>Not thread-safe: the port's control loop owns it.</summary>
public sealed class EvbLink
{
    private bool _hadNeighbor;
    private EvbTimers _ecpTimers;

    public EvbLink(MacAddress portMac, EvbMode role, EvbSettings settings, LldpSettings? lldp = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        PortMac = portMac;
        Evb = new EvbNegotiation(role, settings);
        Lldp = new LldpAgent(portMac, lldp ?? new LldpSettings(), Evb);
        Ecp = new EcpEndpoint(EcpSubtype.Vdp, requestSpacing: EcpEndpoint.LldpadRequestSpacing);   // the peer may well be lldpad
        ApplyOperationalTimers();
    }

    /// <summary>The port's own address: the source of every frame it sends (chassis and port ID too).</summary>
    public MacAddress PortMac { get; }
    public EvbNegotiation Evb { get; }
    public LldpAgent Lldp { get; }
    public EcpEndpoint Ecp { get; }

    /// <summary>Control frames of an EtherType the control plane does not speak (or not to 01-80-C2-00-00-00).</summary>
    public long IgnoredFrames { get; private set; }

    /// <summary>True once the neighbour's EVB TLV has been heard (VDP makes no sense before: lldpad refuses it too).</summary>
    public bool EvbNeighbor => Lldp.Neighbor?.Evb is not null;

    /// <summary>The timers in force: the larger of ours and the neighbour's, per field.</summary>
    public EvbTimers Operational => Evb.Operational;

    public TimeSpan NextDeadline => Lldp.NextDeadline < Ecp.NextDeadline ? Lldp.NextDeadline : Ecp.NextDeadline;

    /// <summary>One frame the engine trapped on this port; frames to send go to <paramref name="transmit"/>, VDP payloads ECP delivered to <paramref name="delivered"/>.</summary>
    public void Receive(ReadOnlySpan<byte> frame, TimeSpan now, List<byte[]> transmit, List<byte[]> delivered)
    {
        ArgumentNullException.ThrowIfNull(transmit);
        if (!ControlFrame.TryRead(frame, out MacAddress source, out ushort etherType, out ReadOnlySpan<byte> payload))
        {
            IgnoredFrames++;
            return;
        }
        switch (etherType)
        {
            case EtherTypes.Lldp:
                Lldp.Receive(payload, source, now);
                AfterLldp();
                break;
            case EtherTypes.Ecp:
                var sent = new List<byte[]>();
                Ecp.Receive(payload, now, sent, delivered);
                Wrap(EtherTypes.Ecp, sent, transmit);
                break;
            default:
                IgnoredFrames++;
                break;
        }
    }

    /// <summary>Queues a VDP payload for reliable delivery; it leaves at the next <see cref="Tick"/>.</summary>
    public bool Send(byte[] vdpPayload) => Ecp.Enqueue(vdpPayload);

    /// <summary>Runs the timers that are due: LLDP transmission and ageing, ECP sends and retransmissions.</summary>
    public void Tick(TimeSpan now, List<byte[]> transmit, List<byte[]>? givenUp = null)
    {
        ArgumentNullException.ThrowIfNull(transmit);
        var lldp = new List<byte[]>();
        Lldp.Tick(now, lldp);
        Wrap(EtherTypes.Lldp, lldp, transmit);
        AfterLldp();
        var ecp = new List<byte[]>();
        Ecp.Tick(now, ecp, givenUp);
        Wrap(EtherTypes.Ecp, ecp, transmit);
    }

    /// <summary>The LLDP shutdown frame (TTL 0), for a port or program going away.</summary>
    public byte[] Shutdown() => ControlFrame.Build(PortMac, EtherTypes.Lldp, Lldp.Shutdown());

    private void AfterLldp()
    {
        bool hasNeighbor = Lldp.Neighbor is not null;
        if (_hadNeighbor && !hasNeighbor)
        {
            Ecp.Reset();   // a new neighbour starts its sequence numbers afresh
        }
        _hadNeighbor = hasNeighbor;
        ApplyOperationalTimers();
    }

    private void ApplyOperationalTimers()
    {
        EvbTimers operational = Evb.Operational;
        if (operational != _ecpTimers)
        {
            _ecpTimers = operational;
            Ecp.SetTimers(operational.R, operational.Rte);
        }
    }

    private void Wrap(ushort etherType, List<byte[]> payloads, List<byte[]> transmit)
    {
        foreach (byte[] payload in payloads)
        {
            transmit.Add(ControlFrame.Build(PortMac, etherType, payload));
        }
    }
}
