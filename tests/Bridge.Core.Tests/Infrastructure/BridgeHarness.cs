// An engine with its pool and clock, plus helpers to inject frames and collect what leaves each port.
using Hairpin.Bridge.Core.Time;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

/// <summary>A frame that left the engine: by which port, from which ingress port, classified to which VID, out of which class queue (-1: not known).</summary>
public sealed record Delivered(int Port, byte[] Bytes, int IngressPort = -1, int Vid = 0, int TrafficClass = -1);

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

    /// <summary>Time passes as on a host: the clock moves, then the control path runs the protection timers.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Engine.RunProtectionTimers();
    }

    public int PortIndex(string name) =>
        Engine.Config.IndexOf(name) is int index and >= 0 ? index : throw new ArgumentException($"no port named '{name}'", nameof(name));

    /// <summary>Copies each frame into a pooled buffer and runs them through the engine as one batch.</summary>
    public void Send(IEnumerable<(int Port, byte[] Frame)> frames) => Engine.ProcessBatch(Rent(frames));

    /// <summary>As <see cref="Send(IEnumerable{ValueTuple{int, byte[]}})"/>, returning what the engine says became of each frame.</summary>
    public FrameDisposition[] SendFor(IEnumerable<(int Port, byte[] Frame)> frames)
    {
        FrameBuffer[] batch = Rent(frames);
        var dispositions = new FrameDisposition[batch.Length];
        Engine.ProcessBatch(batch, dispositions);
        return dispositions;
    }

    public FrameDisposition SendFor(int port, byte[] frame) => SendFor([(port, frame)])[0];

    private FrameBuffer[] Rent(IEnumerable<(int Port, byte[] Frame)> frames)
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
        return [.. batch];
    }

    public void Send(int port, byte[] frame) => Send([(port, frame)]);

    /// <summary>
    /// Sends <paramref name="frames"/> (each on the port at the same index of <paramref name="ports"/>)
    /// as one batch, <paramref name="rounds"/> times, returning every buffer that leaves to the pool.
    /// Allocates nothing itself, given a <paramref name="batch"/> as long as <paramref name="frames"/>:
    /// for the tests that count the engine's allocations per frame.
    /// </summary>
    public void SendRecycled(byte[][] frames, int[] ports, FrameBuffer[] batch, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < frames.Length; i++)
            {
                if (!Pool.TryRent(out FrameBuffer? buffer) || !buffer.TryCopyFrom(frames[i]))
                {
                    throw new InvalidOperationException("test pool exhausted");
                }
                buffer.IngressPort = ports[i];
                batch[i] = buffer;
            }
            Engine.ProcessBatch(batch);
            for (int port = 0; port < Engine.Config.Ports.Count; port++)
            {
                while (Engine.Egress(port).TryDequeue(out FrameBuffer? sent))
                {
                    Pool.Release(sent);
                }
            }
        }
    }

    /// <summary>
    /// Takes every frame off every egress scheduler (returning buffers to the pool), in port order, each
    /// with the class queue it waited in: the one whose depth the dequeue lowered, as the scheduler counts it.
    /// </summary>
    public List<Delivered> DrainEgress()
    {
        var delivered = new List<Delivered>();
        var depths = new int[EgressSchedulerConfig.Classes];
        for (int port = 0; port < BridgeConfig.MaxPorts; port++)
        {
            EgressScheduler scheduler = Engine.Egress(port);
            while (true)
            {
                for (int c = 0; c < depths.Length; c++)
                {
                    depths[c] = scheduler.QueuedFrames(c);
                }
                if (!scheduler.TryDequeue(out FrameBuffer? frame))
                {
                    break;
                }
                int trafficClass = ClassLeft(scheduler, depths);
                delivered.Add(new Delivered(port, frame.Span.ToArray(), frame.IngressPort, frame.Vid, trafficClass));
                Pool.Release(frame);
            }
        }
        return delivered;
    }

    private static int ClassLeft(EgressScheduler scheduler, int[] before)
    {
        for (int c = 0; c < before.Length; c++)
        {
            if (scheduler.QueuedFrames(c) == before[c] - 1)
            {
                return c;
            }
        }
        return -1;
    }

    public List<Delivered> DrainControlPlane()
    {
        var trapped = new List<Delivered>();
        while (Engine.ControlPlane.TryDequeue(out FrameBuffer? frame))
        {
            trapped.Add(new Delivered(frame.IngressPort, frame.Span.ToArray()));
            Pool.Release(frame);
        }
        return trapped;
    }
}
