// The real bridge engine with named ports, driven one frame per batch so that each frame's fate can
// be read back on its own: what is on the egress rings afterwards, and which counters moved.
using Hairpin.Bridge.Core.Time;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Host.Demo;

internal sealed class DemoBridge
{
    private const int PoolSize = 64;

    public DemoBridge(BridgeConfig config)
    {
        Clock = new ManualTimeProvider();
        Pool = new FramePool(PoolSize);
        Engine = new BridgeEngine(config, Pool, Clock);
    }

    public ManualTimeProvider Clock { get; }
    public FramePool Pool { get; }
    public BridgeEngine Engine { get; }

    public IReadOnlyList<string> PortNames => [.. Engine.Config.Ports.Select(port => port.Name)];

    public int PortIndex(string name) =>
        Engine.Config.IndexOf(name) is int index and >= 0 ? index : throw new ArgumentException($"no port named '{name}'", nameof(name));

    public string PortName(int index) => Engine.Config.Ports[index].Name;

    public PortCounters Counters(string port) => Engine.Counters(PortIndex(port));

    /// <summary>Sends one frame in by <paramref name="port"/> as a batch of its own and reports what became of it.</summary>
    public FrameOutcome Send(string port, byte[] frame)
    {
        int ingress = PortIndex(port);
        int portCount = Engine.Config.Ports.Count;
        long[][] droppedBefore = Snapshot(portCount, counters => counters.Dropped);
        long[][] egressDroppedBefore = Snapshot(portCount, counters => counters.EgressDropped);
        long trappedBefore = Engine.Counters(ingress).Trapped;

        if (!Pool.TryRent(out FrameBuffer? buffer))
        {
            throw new InvalidOperationException("demo frame pool exhausted before ingress");
        }
        if (!buffer.TryCopyFrom(frame))
        {
            Pool.Release(buffer);
            throw new InvalidOperationException($"a frame of {frame.Length} bytes does not fit a buffer");
        }
        buffer.IngressPort = ingress;
        Engine.ProcessBatch([buffer]);

        var deliveries = new List<Delivery>();
        for (int egress = 0; egress < BridgeConfig.MaxPorts; egress++)
        {
            var ring = Engine.Egress(egress);
            while (ring.TryDequeue(out FrameBuffer? copy))
            {
                bool modified = !copy.Span.SequenceEqual(frame);
                deliveries.Add(new Delivery(PortName(egress), egress == ingress, modified, FrameDescription.Vid(copy.Span)));
                Pool.Release(copy);
            }
        }
        while (Engine.ControlPlane.TryDequeue(out FrameBuffer? trapped))
        {
            Pool.Release(trapped);
        }

        var drops = new List<Drop>();
        for (int i = 0; i < portCount; i++)
        {
            PortCounters counters = Engine.Counters(i);
            AddMoved(drops, PortName(i), droppedBefore[i], counters.Dropped, atEgress: false);
            AddMoved(drops, PortName(i), egressDroppedBefore[i], counters.EgressDropped, atEgress: true);
        }
        bool wasTrapped = Engine.Counters(ingress).Trapped != trappedBefore;
        return new FrameOutcome(port, frame, deliveries, drops, wasTrapped);
    }

    /// <summary>The FDB as `bridge fdb show` would list it: by VLAN, then MAC.</summary>
    public IReadOnlyList<FdbEntry> FdbEntries() =>
        [.. Engine.Fdb.Snapshot().OrderBy(entry => entry.Vid).ThenBy(entry => entry.Mac.Value)];

    private long[][] Snapshot(int portCount, Func<PortCounters, ReadOnlySpan<long>> select)
    {
        var copy = new long[portCount][];
        for (int i = 0; i < portCount; i++)
        {
            copy[i] = select(Engine.Counters(i)).ToArray();
        }
        return copy;
    }

    private static void AddMoved(List<Drop> drops, string port, long[] before, ReadOnlySpan<long> after, bool atEgress)
    {
        for (int reason = 0; reason < after.Length; reason++)
        {
            long moved = after[reason] - before[reason];
            if (moved != 0)
            {
                drops.Add(new Drop(port, (DropReason)reason, moved, atEgress));
            }
        }
    }
}
