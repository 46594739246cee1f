// The reference bridge set up as BenchBridge sets up the engine: the same pool size, batch, egress ring
// capacity, pre-learned hosts and frames, and the same recycling of forwarded frames into the next
// batch, so that ReferenceBenchmarks and ForwardingBenchmarks differ only in the bridge they call.
using System.Diagnostics;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Benchmarks.Reference;

internal sealed class ReferenceBench
{
    // 1,024 slots of 16 bytes, as many as the engine's FDB has in use until it holds more than 512 hosts.
    private const int MacCapacity = 512;

    public ReferenceBench(int portCount, ulong hairpinPorts = 0)
    {
        Pool = new FramePool(BenchBridge.PoolSize);
        Bridge = new MinimalLearningBridge(Pool, portCount, hairpinPorts, MacCapacity, BenchBridge.EgressQueueCapacity);
    }

    public FramePool Pool { get; }
    public MinimalLearningBridge Bridge { get; }
    public FrameBuffer[] Batch { get; } = new FrameBuffer[BenchBridge.BatchSize];

    /// <summary>Teaches the table <paramref name="count"/> hosts behind <paramref name="port"/> (BenchBridge.Host addresses).</summary>
    public void Learn(int port, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Bridge.Macs.Learn(1, BenchBridge.Host(port, i), port, now: 0);
        }
    }

    public void FillBatch(int ingressPort, Func<int, byte[]> frameOf) => BenchBridge.FillBatch(Pool, Batch, ingressPort, frameOf);

    /// <summary>Forwards the batch, reading the clock once as the engine does (its TimeProvider, in whole seconds).</summary>
    public void ProcessBatch() => Bridge.ProcessBatch(Batch, (uint)(Stopwatch.GetTimestamp() / Stopwatch.Frequency));

    /// <summary>BenchBridge.Recycle over the reference's rings, line for line.</summary>
    public void Recycle(int originalsPort, int ingressPort)
    {
        int filled = 0;
        for (int port = 0; port < Bridge.PortCount; port++)
        {
            FrameRing ring = Bridge.Egress(port);
            while (ring.TryDequeue(out FrameBuffer? frame))
            {
                if (port == originalsPort && filled < BenchBridge.BatchSize)
                {
                    frame.IngressPort = ingressPort;
                    if (!ReferenceEquals(Batch[filled], frame))
                    {
                        Batch[filled] = frame;
                    }
                    filled++;
                }
                else
                {
                    Pool.Release(frame);
                }
            }
        }
        if (filled != BenchBridge.BatchSize)
        {
            throw new InvalidOperationException($"only {filled} of {BenchBridge.BatchSize} frames came back: the benchmark is not forwarding what it claims");
        }
    }
}
