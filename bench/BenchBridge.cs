// A bridge set up for benchmarking: hosts pre-learned, a batch of pooled frames, and a way to put
// the forwarded frames back into the batch so every invocation forwards the same buffers again.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Benchmarks;

internal sealed class BenchBridge
{
    public const int BatchSize = 256;
    public const int PoolSize = 4 * BatchSize * BridgeConfig.MaxPorts / 8;
    public const int EgressQueueCapacity = 2 * BatchSize;

    public BenchBridge(BridgeConfig config, int fdbCapacity = 65_536)
    {
        Pool = new FramePool(PoolSize);
        Engine = new BridgeEngine(config with { MaxLearned = fdbCapacity }, Pool, TimeProvider.System,
            new BridgeEngineOptions { FdbCapacity = fdbCapacity, EgressQueueCapacity = EgressQueueCapacity });
    }

    public FramePool Pool { get; }
    public BridgeEngine Engine { get; }
    public FrameBuffer[] Batch { get; } = new FrameBuffer[BatchSize];

    public static MacAddress Host(int port, int index) => new(0x02_00_00_00_00_00UL | ((ulong)port << 24) | (uint)index);

    public static BridgeConfig Ports(int count, bool hairpinOnFirst = false) => new()
    {
        Ports = Enumerable.Range(0, count).Select(i => new PortConfig { Name = $"p{i}", Hairpin = hairpinOnFirst && i == 0 }).ToArray(),
    };

    /// <summary>Teaches the FDB <paramref name="count"/> hosts behind <paramref name="port"/> (VLAN 1).</summary>
    public void Learn(int port, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Engine.Fdb.Learn(1, Host(port, i), port, now: 0, portLimit: 0, bridgeLimit: int.MaxValue);
        }
    }

    /// <summary>Fills the batch with 64-byte frames made by <paramref name="frameOf"/>, all arriving on <paramref name="ingressPort"/>.</summary>
    public void FillBatch(int ingressPort, Func<int, byte[]> frameOf) => FillBatch(Pool, Batch, ingressPort, frameOf);

    /// <summary>The same for any bridge on <paramref name="pool"/> (the reference bridge's fixture shares it).</summary>
    public static void FillBatch(FramePool pool, FrameBuffer[] batch, int ingressPort, Func<int, byte[]> frameOf)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            if (!pool.TryRent(out FrameBuffer? buffer) || !buffer.TryCopyFrom(frameOf(i)))
            {
                throw new InvalidOperationException("benchmark pool too small");
            }
            buffer.IngressPort = ingressPort;
            batch[i] = buffer;
        }
    }

    public static byte[] Frame(MacAddress source, MacAddress destination) =>
        new FrameBuilder().From(source).To(destination).Payload(new byte[46]).Build()[..60];

    /// <summary>
    /// Moves forwarded frames from <paramref name="originalsPort"/>'s ring back into the batch as the
    /// next invocation's input; copies on other rings go back to the pool (what a transmitter does).
    /// </summary>
    public void Recycle(int originalsPort, int ingressPort)
    {
        int filled = 0;
        for (int port = 0; port < Engine.Config.Ports.Count; port++)
        {
            var ring = Engine.Egress(port);
            while (ring.TryDequeue(out FrameBuffer? frame))
            {
                if (port == originalsPort && filled < BatchSize)
                {
                    frame.IngressPort = ingressPort;
                    // Usually the very buffer already in that slot: skip the store and its GC write barrier.
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
        if (filled != BatchSize)
        {
            throw new InvalidOperationException($"only {filled} of {BatchSize} frames came back: the benchmark is not forwarding what it claims");
        }
    }
}
