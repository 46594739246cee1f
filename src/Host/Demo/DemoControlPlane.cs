// The in-process story's control plane: the bridge's 802.1Qbg plane (QbgPlane, the appliance's own, with
// an EvbBridgePort on hv1 and hv3, answering by the VSI types of the parsed config) with the dumb
// vswitches' stations (EvbStationPort) on the far ends of hv1 and, once the move's destination is cabled,
// hv3; and the MVRP trunk up to the aggregation (DemoMvrp). All back to back on the story's manual clock.
// What they decide reaches the engine as the appliance's does: QbgPlane and MvrpPlane publish, and the
// file's settings with both overlays (BridgeRuntime.Overlaid) go to the engine before the answer leaves.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Time;
using Hairpin.Host.Configuration;
using Hairpin.Host.Mvrp;
using Hairpin.Host.Qbg;
using Hairpin.Host.Runtime;

namespace Hairpin.Host.Demo;

/// <summary>Not thread-safe: the story drives it from one flow.</summary>
internal sealed class DemoControlPlane
{
    public const string StationEnd = "station";
    public const string BridgeEnd = DemoMvrp.BridgeEnd;

    /// <summary>The dumb vswitch's uplink address (its station's LLDP chassis and port ID).</summary>
    public static readonly MacAddress StationMac = MacAddress.Parse("02:00:00:00:5a:01");

    /// <summary>The move's destination dumb vswitch's uplink address.</summary>
    public static readonly MacAddress DestinationStationMac = MacAddress.Parse("02:00:00:00:5a:03");

    /// <summary>The bridge's address; each port sends from its own, as the appliance's do (QbgPlane.PortAddress).</summary>
    public static readonly MacAddress BridgeMac = MacAddress.Parse("02:00:00:00:b0:00");

    private const int MaxSteps = 100_000;

    private readonly ManualTimeProvider _clock;
    private readonly long _start;
    private readonly DemoBridge _engine;
    private readonly List<byte[]> _transmit = [];
    private readonly Dictionary<string, EvbStationPort> _stations = new(StringComparer.Ordinal);
    private QbgState _qbg = QbgState.None;
    private MvrpState _mvrp = MvrpState.None;

    /// <param name="engine">The bridge's engine: every decision is published into it.</param>
    public DemoControlPlane(HostConfig config, string port, DemoBridge engine)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(engine);
        Config = config;
        Port = port;
        _engine = engine;
        _clock = engine.Clock;
        _start = _clock.GetTimestamp();
        Wire = new DemoWire(() => Now);
        Log = new DemoLog(() => Now);
        Plane = new QbgPlane(config, BridgeMac, () => Config, Transmit, PublishQbg, Log.For(BridgeEnd), now: () => Now);
        Mvrp = new DemoMvrp(config, () => Config, BridgeMac, _clock, () => Now, Wire, Log, PublishMvrp, engine.Engine.FlushLearnedInVlan);
        Station = new EvbStationPort(StationMac, new EvbSettings());   // asks for reflective relay, lldpad's timers
        _stations[port] = Station;
    }

    /// <summary>The bridge's configuration as the operator last set it (file, reload, `link set`).</summary>
    public HostConfig Config { get; private set; }

    /// <summary>hv1: the first hypervisor's uplink.</summary>
    public string Port { get; }

    /// <summary>The bridge's 802.1Qbg plane, every `evb:` port's EvbBridgePort in it.</summary>
    public QbgPlane Plane { get; }

    /// <summary>The first dumb vswitch's station, on hv1.</summary>
    public EvbStationPort Station { get; }

    /// <summary>The move's destination dumb vswitch's station, on hv3 once cabled.</summary>
    public EvbStationPort? DestinationStation { get; private set; }

    /// <summary>hv1's bridge port.</summary>
    public EvbBridgePort Bridge => BridgePort(Port);

    public DemoMvrp Mvrp { get; }

    /// <summary>Every control frame sent on any link (hv1, hv3, agg), in order.</summary>
    public DemoWire Wire { get; }

    /// <summary>What both appliances logged.</summary>
    public DemoLog Log { get; }

    /// <summary>Protocol time since the story began: the engine's clock too.</summary>
    public TimeSpan Now => _clock.GetElapsedTime(_start);

    /// <summary>The stations by the bridge port their uplink is cabled to.</summary>
    public IReadOnlyDictionary<string, EvbStationPort> Stations => _stations;

    public EvbBridgePort BridgePort(string port) =>
        Plane.Port(Config.Bridge.IndexOf(port)) ?? throw new ArgumentException($"port {port} does not run evb:", nameof(port));

    /// <summary>The file's settings with what 802.1Qbg and MVRP decided: the configuration the engine runs.</summary>
    public BridgeConfig EngineConfig() => BridgeRuntime.Overlaid(Config, _qbg, _mvrp);

    /// <summary>Every VSI the bridge holds associated, on any port, as the overlay binds them.</summary>
    public IReadOnlyList<VsiAssociation> Associations => Plane.Associations();

    /// <summary>The engine runs the file as it is, and MVRP starts on the trunk at both ends (BridgeRuntime.StartForwarding).</summary>
    public void Start()
    {
        _engine.Engine.Publish(EngineConfig());
        Mvrp.Start(MvrpNeeds.Of(Config, _qbg.Associations));
        Deliver();
    }

    /// <summary>The station on <paramref name="port"/> (hv1's unless named) asks for the VM's VSI (VDP Associate), from its next turn on once it has heard the bridge.</summary>
    public void Announce(DemoVsi vsi, string? port = null)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        _stations[port ?? Port].Vdp.Associate(vsi.Request());
    }

    /// <summary>The station on <paramref name="port"/> lets the VM's VSI go (VDP De-Associate, or at once when the bridge holds none).</summary>
    public void Withdraw(DemoVsi vsi, string port)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        _stations[port].Vdp.Deassociate(vsi.Id);
    }

    /// <summary>
    /// The move's destination hypervisor is cabled to <paramref name="port"/>: its station starts, and the
    /// bridge port's link comes up (its LLDP goes out at once and fast, QbgPlane.LinkUp, as the link watch does).
    /// </summary>
    public EvbStationPort ConnectDestination(string port)
    {
        DestinationStation = new EvbStationPort(DestinationStationMac, new EvbSettings());
        _stations[port] = DestinationStation;
        Plane.LinkUp(Config.Bridge.IndexOf(port));
        return DestinationStation;
    }

    /// <summary>`hairpin link set dev hv1 hairpin on|off|auto`: live, in force from the next batch (as BridgeRuntime sets it).</summary>
    public void SetHairpin(HairpinMode mode)
    {
        int index = Config.Bridge.IndexOf(Port);
        PortConfig[] ports = [.. Config.Bridge.Ports];
        ports[index] = ports[index] with { Hairpin = mode == HairpinMode.On };
        Config = Config with
        {
            Evb = [.. Config.Evb.Select(evb => evb.Port == Port ? evb with { Hairpin = mode } : evb)],
            Bridge = Config.Bridge with { Ports = ports },
        };
        _engine.Engine.Publish(EngineConfig());
    }

    /// <summary>
    /// `config reload`, as BridgeRuntime applies it: the new file in force at once, then every VSI asked
    /// again under the new types (QbgPlane.Revalidate: one refused is removed and its station told), and
    /// MVRP told what the bridge now needs.
    /// </summary>
    public void Reload(HostConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _engine.Engine.Publish(EngineConfig());
        Plane.Revalidate(Now, () => Config);
        Mvrp.Need(MvrpNeeds.Of(Config, _qbg.Associations));
        Deliver();
    }

    /// <summary>Runs every end deadline by deadline for <paramref name="duration"/>, moving the clock.</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>Runs until <paramref name="settled"/> holds (checked at each deadline), at most <paramref name="limit"/>; false if it never did.</summary>
    public bool RunUntil(Func<DemoControlPlane, bool> settled, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(settled);
        TimeSpan end = Now + limit;
        while (!settled(this))
        {
            if (Now >= end)
            {
                return false;
            }
            TimeSpan next = Min(NextDeadline, end);
            RunUntil(next > Now ? next : Now + TimeSpan.FromMilliseconds(1));
        }
        return true;
    }

    private TimeSpan NextDeadline
    {
        get
        {
            TimeSpan next = Min(Plane.NextDeadline, Mvrp.NextDeadline);
            foreach (EvbStationPort station in _stations.Values)
            {
                next = Min(next, station.NextDeadline);
            }
            return next;
        }
    }

    private void RunUntil(TimeSpan end)
    {
        for (int step = 0; step < MaxSteps; step++)
        {
            TimeSpan next = NextDeadline;
            if (next > end)
            {
                MoveTo(end);
                return;
            }
            MoveTo(next);
            Step();
        }
        throw new InvalidOperationException($"the control plane did not settle by {Now}");
    }

    private void MoveTo(TimeSpan at)
    {
        if (at > Now)
        {
            _clock.Advance(at - Now);
        }
    }

    /// <summary>Every end's timers at this instant, the bridge first (as the appliance runs its own between batches), then whatever follows.</summary>
    private void Step()
    {
        TimeSpan now = Now;
        Plane.Tick(now);
        foreach ((string port, EvbStationPort station) in _stations)
        {
            _transmit.Clear();
            station.Tick(now, _transmit);
            FromStation(port);
        }
        Mvrp.Tick();
        Deliver();
    }

    private void Deliver()
    {
        while (Wire.TryTake(out var frame))
        {
            if (frame.Link == DemoConfigs.AggregationUplink)
            {
                Mvrp.Receive(frame.To, frame.Frame);
            }
            else if (frame.To == StationEnd)
            {
                _transmit.Clear();
                _stations[frame.Link].Receive(frame.Frame, Now, _transmit);
                FromStation(frame.Link);   // the station answers at once
            }
            else
            {
                Plane.Receive(Config.Bridge.IndexOf(frame.Link), frame.Frame, Now);   // publishes before its answer leaves, as in the appliance
            }
        }
    }

    private void FromStation(string port)
    {
        foreach (byte[] frame in _transmit)
        {
            Wire.Send(port, StationEnd, BridgeEnd, frame);
        }
        _transmit.Clear();
    }

    /// <summary>The plane sends out of a bridge port; a port no station is cabled to yet loses it, as a port whose link is down does.</summary>
    private void Transmit(int port, byte[] frame)
    {
        string name = Config.Bridge.Ports[port].Name;
        if (_stations.ContainsKey(name))
        {
            Wire.Send(name, BridgeEnd, StationEnd, frame);
        }
    }

    /// <summary>As BridgeRuntime.PublishQbg: the engine first, then MVRP told what the VSIs now need (the first VM of a VLAN declares it, the last one's leaving withdraws it).</summary>
    private void PublishQbg(QbgState state)
    {
        _engine.Engine.Publish(BridgeRuntime.Overlaid(Config, state, _mvrp));
        _qbg = state;
        Mvrp.Need(MvrpNeeds.Of(Config, state.Associations));
    }

    private void PublishMvrp(MvrpState state)
    {
        _engine.Engine.Publish(BridgeRuntime.Overlaid(Config, _qbg, state));
        _mvrp = state;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
