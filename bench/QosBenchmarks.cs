// Forwarding with QoS on: DSCP classification, a port policer and the egress scheduler arbitrating
// two busy classes; then the goal case, a 1,000-rule ACL whose matching rule sets the class
// and polices with a named meter, on top of the same. The meters run far above the offered rate, so
// every frame is green and forwarded: the cost measured is metering, not dropping.
using BenchmarkDotNet.Attributes;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Benchmarks;

[MemoryDiagnoser]
public class QosBenchmarks
{
    private const int Hosts = 64;
    private BenchBridge _policed = null!;
    private BenchBridge _aclAndPoliced = null!;

    private static readonly MeterConfig FastMeter = new() { Name = "port", CommittedRateBitsPerSecond = 400_000_000_000, CommittedBurstBytes = 1_000_000 };

    [GlobalSetup]
    public void Setup()
    {
        var scheduler = new EgressSchedulerConfig { Weights = [1, 2, 1, 1, 1, 3, 1, 1] };
        PortConfig[] Ports(string? acl) =>
        [
            new PortConfig { Name = "p0", IngressAcl = acl, Qos = new PortQos { Trust = QosTrust.Dscp, Policer = "port" } },
            new PortConfig { Name = "p1", Qos = new PortQos { Scheduler = scheduler } },
        ];
        _policed = Build(new BridgeConfig { Ports = Ports(null), Meters = [FastMeter] });

        AclRule[] rules = AclBenchmarks.RealisticRules(1_000);
        rules[^1] = rules[^1] with { Actions = new AclActions { TrafficClass = 4, Police = "acl" } };
        _aclAndPoliced = Build(new BridgeConfig
        {
            Ports = Ports("policy"),
            Meters = [FastMeter, FastMeter with { Name = "acl" }],
            Acls = [new AccessList { Name = "policy", DefaultVerdict = AclVerdict.Deny, Rules = rules }],
        });
    }

    private static BenchBridge Build(BridgeConfig config)
    {
        var bridge = new BenchBridge(BenchBridge.Ports(2) with { Ports = config.Ports, Meters = config.Meters, Acls = config.Acls });
        bridge.Learn(0, Hosts);
        bridge.Learn(1, Hosts);
        // Half the frames EF (class 5), half best effort (class 1): the scheduler has two classes to arbitrate.
        bridge.FillBatch(0, i => new FrameBuilder().From(BenchBridge.Host(0, i % Hosts)).To(BenchBridge.Host(1, (i * 7) % Hosts))
            .Ipv4Udp(0xA9FE0000 | (uint)(i % Hosts), 0xA9FE0100 | (uint)((i * 7) % Hosts), 40000, 4789, payloadSize: 18, dscp: i % 2 == 0 ? 46 : 0).Build());
        return bridge;
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void PolicerAndScheduler()
    {
        _policed.Engine.ProcessBatch(_policed.Batch);
        _policed.Recycle(originalsPort: 1, ingressPort: 0);
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void AclOf1000WithClassAndPolicing()
    {
        _aclAndPoliced.Engine.ProcessBatch(_aclAndPoliced.Batch);
        _aclAndPoliced.Recycle(originalsPort: 1, ingressPort: 0);
    }
}
