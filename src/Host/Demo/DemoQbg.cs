// The in-process story's 802.1Qbg control plane: the dumb vswitch's station (EvbStationPort) and hv1's
// bridge port (EvbBridgePort, answering by the VSI types of the parsed config as the appliance does)
// back to back on the story's manual clock. What they decide reaches the engine as the appliance's does:
// the file's settings plus QbgOverlay, published before the bridge's answer leaves.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Time;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Demo;

/// <summary>One control frame on the uplink: when, and which way.</summary>
internal sealed record QbgFrame(TimeSpan At, bool FromStation, byte[] Frame);

/// <summary>Not thread-safe: the story drives it from one flow.</summary>
internal sealed class DemoQbg
{
    /// <summary>The dumb vswitch's uplink address (its station's LLDP chassis and port ID).</summary>
    public static readonly MacAddress StationMac = MacAddress.Parse("02:00:00:00:5a:01");

    /// <summary>The bridge's address; hv1 sends from its own, as the appliance's ports do (QbgPlane.PortAddress).</summary>
    public static readonly MacAddress BridgeMac = MacAddress.Parse("02:00:00:00:b0:00");

    private const int MaxSteps = 100_000;

    private readonly ManualTimeProvider _clock;
    private readonly long _start;
    private readonly Action<BridgeConfig> _publish;
    private readonly Queue<(bool ToStation, byte[] Frame)> _inFlight = new();
    private readonly List<byte[]> _transmit = [];
    private readonly List<VsiDecision> _decisions = [];
    private bool _relayPublished;

    /// <param name="publish">Publishes the engine's configuration (the file's plus the overlay) whenever the control plane changed it.</param>
    public DemoQbg(HostConfig config, string port, ManualTimeProvider clock, Action<BridgeConfig> publish)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(clock);
        Config = config;
        Port = port;
        _clock = clock;
        _start = clock.GetTimestamp();
        _publish = publish;
        EvbPortConfig evb = config.Evb.Single(e => e.Port == port);
        var timers = new EvbTimers(evb.MaxRetries, evb.RetransmitExponent, evb.ResourceWaitExponent, evb.KeepAliveExponent);
        Station = new EvbStationPort(StationMac, new EvbSettings());   // asks for reflective relay, lldpad's timers
        var policy = new PortVsiPolicy(port, () => Config, () => Associations);
        Bridge = new EvbBridgePort(QbgPlane.PortAddress(BridgeMac, config.Bridge.IndexOf(port)),
            new EvbSettings { ReflectiveRelay = true, Timers = timers }, policy, evb.MaxVsis);
    }

    /// <summary>The bridge's configuration as the operator last set it (file, reload, `link set`).</summary>
    public HostConfig Config { get; private set; }
    public string Port { get; }
    public EvbStationPort Station { get; }
    public EvbBridgePort Bridge { get; }

    /// <summary>Every control frame either side sent, in order.</summary>
    public List<QbgFrame> Log { get; } = [];

    /// <summary>Protocol time since the story began: the engine's clock too.</summary>
    public TimeSpan Now => _clock.GetElapsedTime(_start);

    /// <summary>What hv1's VSI types and the negotiation add to the file: the configuration the engine runs.</summary>
    public BridgeConfig EngineConfig() =>
        QbgOverlay.Apply(Config, Bridge.ReflectiveRelay ? new HashSet<string>(StringComparer.Ordinal) { Port } : new HashSet<string>(), Associations);

    /// <summary>The VSIs hv1 holds associated, as the overlay binds them.</summary>
    public IReadOnlyList<VsiAssociation> Associations => [.. QbgPlane.AssociatedOn(Port, Bridge)];

    /// <summary>The station asks for the VM's VSI (VDP Associate), from its next turn on once it has heard the bridge.</summary>
    public void Announce(DemoVsi vsi)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        Station.Vdp.Associate(vsi.Request());
    }

    /// <summary>`hairpin link set dev hv1 hairpin on|off|auto`: live, in force from the next batch.</summary>
    public void SetHairpin(HairpinMode mode)
    {
        Config = Config with { Evb = [.. Config.Evb.Select(evb => evb.Port == Port ? evb with { Hairpin = mode } : evb)] };
        _publish(EngineConfig());
    }

    /// <summary>
    /// `config reload`: every VSI is asked again under the new types (as QbgPlane.Revalidate); one they
    /// refuse is removed and its station told. Returns each VSI's verdict.
    /// </summary>
    public IReadOnlyList<(VsiRecord Vsi, TypeVerdict Verdict)> Reload(HostConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        var verdicts = new List<(VsiRecord, TypeVerdict)>();
        foreach (VsiRecord vsi in Bridge.Vdp.Vsis.OrderBy(vsi => vsi.IdText, StringComparer.Ordinal).ToList())
        {
            TypeVerdict verdict = VsiTypePolicy.Evaluate(VsiRequestFacts.Of(Port, vsi), Config, Associations);
            verdicts.Add((vsi, verdict));
            if (verdict is TypeVerdict.Refused)
            {
                Bridge.Vdp.Remove(vsi.Id);
                Bridge.Link.Send(VdpBridge.DeassociateNotice(vsi));
            }
        }
        _publish(EngineConfig());
        _transmit.Clear();
        Bridge.Link.Tick(Now, _transmit);
        Send(fromStation: false);
        Deliver();
        return verdicts;
    }

    /// <summary>Runs both ends deadline by deadline for <paramref name="duration"/>, moving the clock.</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>Runs until <paramref name="settled"/> holds (checked at each deadline), at most <paramref name="limit"/>; false if it never did.</summary>
    public bool RunUntil(Func<DemoQbg, bool> settled, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(settled);
        TimeSpan end = Now + limit;
        while (!settled(this))
        {
            if (Now >= end)
            {
                return false;
            }
            TimeSpan next = Min(Min(Station.NextDeadline, Bridge.NextDeadline), end);
            RunUntil(next > Now ? next : Now + TimeSpan.FromMilliseconds(1));
        }
        return true;
    }

    private void RunUntil(TimeSpan end)
    {
        for (int step = 0; step < MaxSteps; step++)
        {
            TimeSpan next = Min(Station.NextDeadline, Bridge.NextDeadline);
            if (next > end)
            {
                MoveTo(end);
                return;
            }
            MoveTo(next);
            Step();
        }
        throw new InvalidOperationException($"the station and the bridge did not settle by {Now}");
    }

    private void MoveTo(TimeSpan at)
    {
        if (at > Now)
        {
            _clock.Advance(at - Now);
        }
    }

    /// <summary>Both ends' timers at this instant, the bridge first (as the appliance runs its own between batches), then whatever follows.</summary>
    private void Step()
    {
        TimeSpan now = Now;
        _transmit.Clear();
        _decisions.Clear();
        Bridge.Tick(now, _transmit, _decisions);
        Decided();
        Send(fromStation: false);
        _transmit.Clear();
        Station.Tick(now, _transmit);
        Send(fromStation: true);
        Deliver();
    }

    private void Deliver()
    {
        while (_inFlight.TryDequeue(out var item))
        {
            TimeSpan now = Now;
            _transmit.Clear();
            if (item.ToStation)
            {
                Station.Receive(item.Frame, now, _transmit);
            }
            else
            {
                _decisions.Clear();
                Bridge.Receive(item.Frame, now, _transmit, _decisions);
                Decided();   // before the answer leaves: the VM's first frame meets its policy
            }
            Send(fromStation: item.ToStation);   // the side that just received answers
        }
    }

    /// <summary>Publishes when an association or the negotiated relay changed, as QbgPlane does.</summary>
    private void Decided()
    {
        if (_decisions.Count > 0 || Bridge.ReflectiveRelay != _relayPublished)
        {
            _relayPublished = Bridge.ReflectiveRelay;
            _publish(EngineConfig());
        }
    }

    private void Send(bool fromStation)
    {
        foreach (byte[] frame in _transmit)
        {
            Log.Add(new QbgFrame(Now, fromStation, frame));
            _inFlight.Enqueue((!fromStation, frame));
        }
        _transmit.Clear();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
