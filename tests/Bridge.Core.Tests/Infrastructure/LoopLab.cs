// Several bridge engines wired port to port in-process, sharing one manual clock: frames a port
// sends arrive at the port it is linked to on the next step; unlinked ports face hosts, whose
// receptions are counted. For building real loops (and removing them) in tests.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Time;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

public sealed class LoopLab
{
    private readonly List<(BridgeEngine Engine, FramePool Pool, List<FrameBuffer> Inbound)> _bridges = [];
    private readonly Dictionary<(int Bridge, int Port), (int Bridge, int Port)> _links = [];

    public ManualTimeProvider Clock { get; } = new();
    /// <summary>Data frames (not loop probes) each host-facing port delivered.</summary>
    public Dictionary<(int Bridge, int Port), int> HostReceived { get; } = [];
    /// <summary>Data frames (loop probes not counted) that crossed links so far.</summary>
    public long FramesOverLinks { get; private set; }

    public int AddBridge(params PortConfig[] ports)
    {
        var pool = new FramePool(16_384);
        var options = new BridgeEngineOptions { BridgeAddress = new MacAddress(0x02_B0_00_00_00_01UL + (ulong)_bridges.Count) };
        _bridges.Add((new BridgeEngine(new BridgeConfig { Ports = ports }, pool, Clock, options), pool, []));
        return _bridges.Count - 1;
    }

    public BridgeEngine Engine(int bridge) => _bridges[bridge].Engine;

    public int Port(int bridge, string name) => Engine(bridge).Config.IndexOf(name);

    public void Link(int bridgeA, string portA, int bridgeB, string portB)
    {
        _links[(bridgeA, Port(bridgeA, portA))] = (bridgeB, Port(bridgeB, portB));
        _links[(bridgeB, Port(bridgeB, portB))] = (bridgeA, Port(bridgeA, portA));
    }

    public void Unlink(int bridge, string port)
    {
        var end = (bridge, Port(bridge, port));
        _links.Remove(_links[end]);
        _links.Remove(end);
    }

    /// <summary>A host behind <paramref name="port"/> sends <paramref name="frame"/>; it enters on the next step.</summary>
    public void HostSends(int bridge, string port, byte[] frame) => Deliver(bridge, Port(bridge, port), frame);

    public int BridgeCount => _bridges.Count;

    /// <summary>One bridge's probe round (each host runs its own timer).</summary>
    public void EmitProbes(int bridge) => _bridges[bridge].Engine.EmitLoopProbes();

    /// <summary>
    /// Runs every bridge once over what arrived (its protection timers first, as a host does between
    /// batches), then moves what they sent. Returns data frames that crossed links.
    /// </summary>
    public int Step()
    {
        foreach (var bridge in _bridges)
        {
            bridge.Engine.RunProtectionTimers();
            bridge.Engine.ProcessBatch(bridge.Inbound.ToArray());
            bridge.Inbound.Clear();
        }
        int crossed = 0;
        for (int b = 0; b < _bridges.Count; b++)
        {
            var (engine, pool, _) = _bridges[b];
            for (int port = 0; port < engine.Config.Ports.Count; port++)
            {
                while (engine.Egress(port).TryDequeue(out FrameBuffer? frame))
                {
                    bool probe = new EthernetReader(frame.Span).Destination == LoopProbe.Destination;
                    if (_links.TryGetValue((b, port), out var peer))
                    {
                        Deliver(peer.Bridge, peer.Port, frame.Span.ToArray());
                        crossed += probe ? 0 : 1;
                    }
                    else if (!probe)
                    {
                        HostReceived[(b, port)] = HostReceived.GetValueOrDefault((b, port)) + 1;
                    }
                    pool.Release(frame);
                }
            }
            while (engine.ControlPlane.TryDequeue(out FrameBuffer? trapped))
            {
                pool.Release(trapped);
            }
        }
        FramesOverLinks += crossed;
        return crossed;
    }

    private void Deliver(int bridge, int port, byte[] bytes)
    {
        var (_, pool, inbound) = _bridges[bridge];
        if (!pool.TryRent(out FrameBuffer? buffer) || !buffer.TryCopyFrom(bytes))
        {
            throw new InvalidOperationException("loop lab pool exhausted: the loop was not stopped");
        }
        buffer.IngressPort = port;
        inbound.Add(buffer);
    }
}
