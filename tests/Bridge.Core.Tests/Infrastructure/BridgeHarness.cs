// An engine with its pool and clock, plus helpers to inject frames and collect what leaves each port.
using Hairpin.Bridge.Core.Time;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

/// <summary>A frame that left the engine: by which port, from which ingress port, classified to which VID.</summary>
public sealed record Delivered(int Port, byte[] Bytes, int IngressPort = -1, int Vid = 0);

public sealed class BridgeHarness
{
    public BridgeHarness(BridgeConfig config, int poolSize = 4096, BridgeEngineOptions? options = null)
    {
        Clock = new ManualTimeProvider();
        Pool = new FramePool(poolSize);
        Engine = new BridgeEngine(config, Pool, Clock, options);
    }

    public static BridgeHarness WithPorts(params PortConfig[] ports) => new(new BridgeConfig { Ports = ports });

    public ManualTimeProvider Clock { get; }
    public FramePool Pool { get; }
    public BridgeEngine Engine { get; }

    public int PortIndex(string name) =>
        Engine.Config.IndexOf(name) is int index and >= 0 ? index : throw new ArgumentException($"no port named '{name}'", nameof(name));

    /// <summary>Copies each frame into a pooled buffer and runs them through the engine as one batch.</summary>
    public void Send(IEnumerable<(int Port, byte[] Frame)> frames)
    {
        var batch = new List<FrameBuffer>();
        foreach ((int port, byte[] bytes) in frames)
        {
            if (!Pool.TryRent(out FrameBuffer? buffer))
            {
                throw new InvalidOperationException("test pool exhausted before ingress");
            }
            if (!buffer.TryCopyFrom(bytes))
            {
                throw new InvalidOperationException($"frame of {bytes.Length} bytes does not fit a buffer");
            }
            buffer.IngressPort = port;
            batch.Add(buffer);
        }
        Engine.ProcessBatch(batch.ToArray());
    }

    public void Send(int port, byte[] frame) => Send([(port, frame)]);

    /// <summary>Takes every frame off every egress ring (returning buffers to the pool), in port order.</summary>
    public List<Delivered> DrainEgress()
    {
        var delivered = new List<Delivered>();
        for (int port = 0; port < BridgeConfig.MaxPorts; port++)
        {
            var ring = Engine.Egress(port);
            while (ring.TryDequeue(out FrameBuffer? frame))
            {
                delivered.Add(new Delivered(port, frame.Span.ToArray(), frame.IngressPort, frame.Vid));
                Pool.Return(frame);
            }
        }
        return delivered;
    }

    public List<Delivered> DrainControlPlane()
    {
        var trapped = new List<Delivered>();
        while (Engine.ControlPlane.TryDequeue(out FrameBuffer? frame))
        {
            trapped.Add(new Delivered(frame.IngressPort, frame.Span.ToArray()));
            Pool.Return(frame);
        }
        return trapped;
    }
}
