// Flooding from a storm-controlled port whose limits are never reached: the cost of metering every
// flooded frame, to compare with ForwardingBenchmarks.FloodToEightPorts.
using BenchmarkDotNet.Attributes;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Benchmarks;

[MemoryDiagnoser]
public class StormControlBenchmarks
{
    private BenchBridge _bridge = null!;

    [GlobalSetup]
    public void Setup()
    {
        BridgeConfig ports = BenchBridge.Ports(9);
        var meteredPorts = ports.Ports.ToArray();
        meteredPorts[0] = meteredPorts[0] with
        {
            StormControl = new StormControl { BroadcastPps = 1_000_000_000, MulticastPps = 1_000_000_000, UnknownUnicastPps = 1_000_000_000 },
        };
        _bridge = new BenchBridge(ports with { Ports = meteredPorts });
        _bridge.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % 64), MacAddress.Broadcast));
    }

    /// <summary>One operation is one received broadcast, metered, then delivered to 8 ports.</summary>
    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void FloodToEightPortsUnderStormControl()
    {
        _bridge.Engine.ProcessBatch(_bridge.Batch);
        _bridge.Recycle(originalsPort: 8, ingressPort: 0);
    }
}
