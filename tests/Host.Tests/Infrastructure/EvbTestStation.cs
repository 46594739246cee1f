// The 802.1Qbg station at the far end of a bridge port held in memory, built from Bridge.Core's pure
// pieces as lldpad plays the role for libvirt: an EvbLink asking for reflective relay and a VdpStation,
// on the test's clock. Nothing runs by itself: the test pumps it, and each pump takes what the bridge
// sent and puts in what the station has due.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Infrastructure;

/// <summary>Not thread-safe: the test's thread pumps it.</summary>
internal sealed class EvbTestStation
{
    public static readonly MacAddress Address = MacAddress.Parse("02:00:00:00:5a:01");

    private readonly PortQueues _port;
    private readonly Func<TimeSpan> _now;
    private readonly List<byte[]> _transmit = [];
    private readonly List<byte[]> _delivered = [];
    private readonly List<byte[]> _requests = [];

    /// <param name="port">The bridge's queues of the port the station sits on: what the bridge sends comes out of Outbound.</param>
    /// <param name="now">The station's clock (the bridge's, moved by the test).</param>
    public EvbTestStation(PortQueues port, Func<TimeSpan> now)
    {
        _port = port;
        _now = now;
        Link = new EvbLink(Address, EvbMode.Station, new EvbSettings { ReflectiveRelay = true });
        Vdp = new VdpStation();
    }

    public EvbLink Link { get; }
    public VdpStation Vdp { get; }

    /// <summary>Frames the bridge sent that are not 802.1Qbg control frames (a VM's traffic, floods).</summary>
    public List<byte[]> DataFrames { get; } = [];

    /// <summary>False: VDP sends nothing (no keep-alives, no requests) while LLDP and ECP go on.</summary>
    public bool VdpRunning { get; set; } = true;

    /// <summary>True: the station sends nothing at all and ignores what it hears, as one powered off.</summary>
    public bool Silent { get; set; }

    /// <summary>How many of the bridge's next ECP acknowledgements are lost on the way, as on a lossy wire.</summary>
    public int LoseEcpAcks { get; set; }

    /// <summary>How many of the bridge's next ECP requests (its VDP answers) are lost on the way.</summary>
    public int LoseEcpRequests { get; set; }

    /// <summary>Takes what the bridge sent and sends what is due now; the number of frames moved either way.</summary>
    public int Pump()
    {
        TimeSpan now = _now();
        int moved = 0;
        while (_port.Outbound.TryPeek(out ReadOnlySpan<byte> frame))
        {
            byte[] copy = frame.ToArray();
            _port.CountSent(1, copy.Length);   // as a transport does once the peer has it
            _port.Outbound.Release();
            moved++;
            if (!ControlFrame.TryRead(copy, out _, out _, out _))
            {
                DataFrames.Add(copy);
            }
            else if (!Silent && !Lost(copy))
            {
                _delivered.Clear();
                Link.Receive(copy, now, _transmit, _delivered);
                foreach (byte[] payload in _delivered)
                {
                    Vdp.Receive(payload, now);
                }
            }
        }
        if (Silent)
        {
            return moved;
        }
        if (VdpRunning && Link.EvbNeighbor)   // as lldpad: no VDP before the bridge's EVB TLV was heard
        {
            _requests.Clear();
            Vdp.Tick(now, _requests);
            foreach (byte[] request in _requests)
            {
                Link.Send(request);
            }
        }
        Link.Tick(now, _transmit);
        foreach (byte[] frame in _transmit)
        {
            _port.Receive(frame);
            moved++;
        }
        _transmit.Clear();
        return moved;
    }

    private bool Lost(byte[] frame)
    {
        ControlFrame.TryRead(frame, out _, out ushort etherType, out ReadOnlySpan<byte> payload);
        var ecp = new EcpReader(payload);
        if (etherType != EtherTypes.Ecp || !ecp.IsValid)
        {
            return false;
        }
        if (ecp.Header.Operation == EcpOperation.Ack && LoseEcpAcks > 0)
        {
            LoseEcpAcks--;
            return true;
        }
        if (ecp.Header.Operation == EcpOperation.Request && LoseEcpRequests > 0)
        {
            LoseEcpRequests--;
            return true;
        }
        return false;
    }

    /// <summary>A frame from a VM behind the station, into the bridge's port.</summary>
    public void Send(byte[] frame) => _port.Receive(frame);

    public StationVsi Vsi(VsiId id) => Vdp.TryGet(id, out StationVsi? vsi) ? vsi : throw new InvalidOperationException($"the station has no VSI {id}");
}
