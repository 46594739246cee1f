// The in-process story's MVRP trunk: the bridge's MVRP participant (MvrpPlane, on its `agg` port) and the
// aggregation appliance's (MvrpPlane on `acc`, over an engine of its own) back to back on the story's
// clock. The bridge declares the VLANs its associated VSIs need (MvrpNeeds, told by the bridge's 802.1Qbg
// publish as the runtime tells it); the aggregation declares host-d's VLAN (declare_static). What each
// registers reaches its engine through MvrpOverlay, as in the appliance (BridgeRuntime.Overlaid).
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Time;
using Hairpin.Host.Configuration;
using Hairpin.Host.Mvrp;
using Hairpin.Host.Qbg;
using Hairpin.Host.Runtime;

namespace Hairpin.Host.Demo;

/// <summary>Not thread-safe: the story drives it from one flow.</summary>
internal sealed class DemoMvrp
{
    public const string BridgeEnd = "bridge";
    public const string AggregationEnd = "aggregation";

    /// <summary>The aggregation appliance's address (its ports send from it with their number folded in, as the bridge's do).</summary>
    public static readonly MacAddress AggregationMac = MacAddress.Parse("02:00:00:00:a9:00");

    // Seeded: each participant draws its LeaveAll period, and the story must print the same every run.
    private const int BridgeSeed = 1;
    private const int AggregationSeed = 2;

    private readonly Func<TimeSpan> _now;
    private readonly int _trunk;
    private readonly int _aggregationTrunk;

    /// <param name="bridge">The bridge's configuration as the operator last set it.</param>
    /// <param name="publish">Publishes the bridge's registrations (through both overlays, as the runtime does).</param>
    /// <param name="flushLearned">The bridge engine's FlushLearnedInVlan.</param>
    public DemoMvrp(HostConfig initial, Func<HostConfig> bridge, MacAddress bridgeMac, ManualTimeProvider clock, Func<TimeSpan> now, DemoWire wire,
        DemoLog log, Action<MvrpState> publish, Func<int, int, int> flushLearned)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(wire);
        ArgumentNullException.ThrowIfNull(log);
        _now = now;
        _trunk = initial.Bridge.IndexOf(DemoConfigs.AggregationUplink);
        Bridge = new MvrpPlane(initial, bridgeMac, bridge, (_, frame) => wire.Send(DemoConfigs.AggregationUplink, BridgeEnd, AggregationEnd, frame),
            publish, log.For(BridgeEnd), new Random(BridgeSeed))
        {
            FlushLearnedInVlan = flushLearned,
        };

        AggregationConfig = HostConfigLoader.Parse(DemoConfigs.Aggregation("/run/hairpin-demo-aggregation.sock"), "demo-aggregation.yaml");
        _aggregationTrunk = AggregationConfig.Bridge.IndexOf(DemoConfigs.AggregationDownlink);
        AggregationEngine = new DemoBridge(AggregationConfig.Bridge, clock);
        Aggregation = new MvrpPlane(AggregationConfig, AggregationMac, () => AggregationConfig,
            (_, frame) => wire.Send(DemoConfigs.AggregationUplink, AggregationEnd, BridgeEnd, frame),
            state => AggregationEngine.Engine.Publish(BridgeRuntime.Overlaid(AggregationConfig, QbgState.None, state)), log.For(AggregationEnd),
            new Random(AggregationSeed))
        {
            FlushLearnedInVlan = AggregationEngine.Engine.FlushLearnedInVlan,
        };
    }

    /// <summary>The bridge's MVRP participant (its `agg` port).</summary>
    public MvrpPlane Bridge { get; }

    /// <summary>The aggregation appliance's MVRP participant (its `acc` port).</summary>
    public MvrpPlane Aggregation { get; }

    /// <summary>The aggregation appliance's file, parsed from the root lab's own text.</summary>
    public HostConfig AggregationConfig { get; }

    /// <summary>The aggregation appliance's engine: its `acc` carries what its MVRP registered.</summary>
    public DemoBridge AggregationEngine { get; }

    public TimeSpan NextDeadline => Bridge.NextDeadline < Aggregation.NextDeadline ? Bridge.NextDeadline : Aggregation.NextDeadline;

    /// <summary>Both appliances start forwarding: their MVRP ports begin, and each declares what it needs itself (BridgeRuntime.StartForwarding).</summary>
    public void Start(IEnumerable<int> bridgeNeeds)
    {
        TimeSpan now = _now();
        Bridge.Start(now);
        Bridge.Need(bridgeNeeds, now);
        Aggregation.Start(now);
        Aggregation.Need(MvrpNeeds.Of(AggregationConfig, []), now);
    }

    /// <summary>The VIDs the bridge needs itself changed (a VSI associated or left).</summary>
    public void Need(IEnumerable<int> vids) => Bridge.Need(vids, _now());

    public void Tick()
    {
        TimeSpan now = _now();
        Bridge.Tick(now);
        Aggregation.Tick(now);
    }

    /// <summary>An MVRPDU reaches <paramref name="to"/>'s end of the trunk.</summary>
    public void Receive(string to, byte[] frame)
    {
        if (to == AggregationEnd)
        {
            Aggregation.Receive(_aggregationTrunk, frame, _now());
        }
        else
        {
            Bridge.Receive(_trunk, frame, _now());
        }
    }
}
