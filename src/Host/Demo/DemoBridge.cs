// The real bridge engine with named ports, driven one frame per batch so that each frame's fate can
// be read back on its own: what is on the egress rings afterwards, and the engine's disposition of it
// (where it went, or why it was dropped).
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

    public DemoBridge(BridgeConfig config) : this(config, new ManualTimeProvider())
    {
    }

    /// <param name="clock">Shared with another appliance's engine in the same story.</param>
    public DemoBridge(BridgeConfig config, ManualTimeProvider clock)
    {
        Clock = clock;
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

    public bool HasPort(string name) => Engine.Config.IndexOf(name) >= 0;

    /// <summary>Sends one frame in by <paramref name="port"/> as a batch of its own and reports what became of it.</summary>
    public FrameOutcome Send(string port, byte[] frame)
    {
        int ingress = PortIndex(port);
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
        var disposition = new FrameDisposition[1];
        Engine.ProcessBatch([buffer], disposition);

        var deliveries = new List<Delivery>();
        var copies = new List<(string, byte[])>();
        for (int egress = 0; egress < BridgeConfig.MaxPorts; egress++)
        {
            var ring = Engine.Egress(egress);
            while (ring.TryDequeue(out FrameBuffer? copy))
            {
                bool modified = !copy.Span.SequenceEqual(frame);
                deliveries.Add(new Delivery(PortName(egress), egress == ingress, modified, FrameDescription.Vid(copy.Span)));
                copies.Add((PortName(egress), copy.Span.ToArray()));
                Pool.Release(copy);
            }
        }
        while (Engine.ControlPlane.TryDequeue(out FrameBuffer? trapped))
        {
            Pool.Release(trapped);
        }
        FrameDisposition fate = disposition[0];
        return new FrameOutcome(port, frame, deliveries, DropsOf(fate, port), fate.Kind == DispositionKind.ControlPlane) { Copies = copies };
    }

    /// <summary>The frame's drop, or its copies dropped at egress, as the engine's disposition names them.</summary>
    private List<Drop> DropsOf(FrameDisposition fate, string ingressPort)
    {
        var drops = new List<Drop>();
        if (fate.IsDropped && fate.DroppedCopyPorts == 0)
        {
            drops.Add(new Drop(ingressPort, fate.Reason, 1, AtEgress: false));
        }
        for (int port = 0; port < Engine.Config.Ports.Count; port++)
        {
            if ((fate.DroppedCopyPorts & (1UL << port)) != 0)
            {
                drops.Add(new Drop(PortName(port), fate.Reason, 1, AtEgress: true));
            }
        }
        return drops;
    }

    /// <summary>The FDB as `bridge fdb show` would list it: by VLAN, then MAC.</summary>
    public IReadOnlyList<FdbEntry> FdbEntries() =>
        [.. Engine.Fdb.Snapshot().OrderBy(entry => entry.Vid).ThenBy(entry => entry.Mac.Value)];
}
