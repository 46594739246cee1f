// The floor beside the engine (issue 11): Reference/MinimalLearningBridge forwarding exactly the
// frames ForwardingBenchmarks.KnownUnicast and HairpinReflection forward through BridgeEngine (same
// hosts, same 64-byte frames, batches of 256, same recycling). The budget gate holds the engine to a
// ratio of these rows, measured in the same run, instead of to absolute times.
using BenchmarkDotNet.Attributes;
using Hairpin.Benchmarks.Reference;

namespace Hairpin.Benchmarks;

[MemoryDiagnoser]
public class ReferenceBenchmarks
{
    private const int Hosts = 64;
    private ReferenceBench _unicast = null!;
    private ReferenceBench _hairpin = null!;

    [GlobalSetup]
    public void Setup()
    {
        // As ForwardingBenchmarks: 64 hosts behind p0 talk to 64 hosts behind p1.
        _unicast = new ReferenceBench(portCount: 2);
        _unicast.Learn(0, Hosts);
        _unicast.Learn(1, Hosts);
        _unicast.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % Hosts), BenchBridge.Host(1, (i * 7) % Hosts)));

        // Both ends behind p0, which reflects (hairpin on).
        _hairpin = new ReferenceBench(portCount: 2, hairpinPorts: 1UL << 0);
        _hairpin.Learn(0, 2 * Hosts);
        _hairpin.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % Hosts), BenchBridge.Host(0, Hosts + ((i * 7) % Hosts))));
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void KnownUnicast()
    {
        _unicast.ProcessBatch();
        _unicast.Recycle(originalsPort: 1, ingressPort: 0);
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void HairpinReflection()
    {
        _hairpin.ProcessBatch();
        _hairpin.Recycle(originalsPort: 0, ingressPort: 0);
    }
}
