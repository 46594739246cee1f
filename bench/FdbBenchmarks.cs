// Known-unicast forwarding with a large FDB: destinations spread over every entry, so the table's
// cache behaviour (not one hot entry) is what is measured.
using BenchmarkDotNet.Attributes;

namespace Hairpin.Benchmarks;

[MemoryDiagnoser]
public class FdbBenchmarks
{
    private BenchBridge _bridge = null!;
    private int _next;

    [Params(1_000, 100_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bridge = new BenchBridge(BenchBridge.Ports(2), fdbCapacity: 131_072);
        _bridge.Learn(0, Entries / 2);
        _bridge.Learn(1, Entries / 2);
        _bridge.FillBatch(0, i => BenchBridge.Frame(BenchBridge.Host(0, i % (Entries / 2)), BenchBridge.Host(1, i)));
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void KnownUnicastAcrossTheTable()
    {
        int half = Entries / 2;
        foreach (var frame in _bridge.Batch)
        {
            // Walk destinations and sources through the whole table (a stride co-prime with its size).
            _next = (_next + 7919) % half;
            BenchBridge.Host(1, _next).Write(frame.Span);
            BenchBridge.Host(0, _next).Write(frame.Span[6..]);
        }
        _bridge.Engine.ProcessBatch(_bridge.Batch);
        _bridge.Recycle(originalsPort: 1, ingressPort: 0);
    }
}
