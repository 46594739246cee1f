// Flow export in the running appliance with in-memory peers: frames crossing the forwarding thread
// become flows that the idle timeout ends between batches and the exporter sends to a UDP collector;
// `stats` reports the counters; stopping the bridge sends the flows still open (forced end); a reload
// that changes flow_export is refused and the running configuration stays.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Runtime;

public sealed class FlowExportRuntimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static HostConfig Config(int collectorPort, TimeSpan idle) => new()
    {
        SourceFile = "/nonexistent/hairpin-test.yaml",
        Bridge = new BridgeConfig
        {
            Ports = [new PortConfig { Name = "hv1" }, new PortConfig { Name = "hv2" }],
            LoopDetection = new LoopDetection { Enabled = false },
        },
        Attachments = [new PortAttachment("hv1", new StreamAttach("/tmp/hv1.sock", Listen: true)), new PortAttachment("hv2", new StreamAttach("/tmp/hv2.sock", Listen: true))],
        FlowExport = new FlowExportConfig([$"127.0.0.1:{collectorPort}"], TimeSpan.FromMinutes(10), idle, 1024, 1, 5, TimeSpan.FromMinutes(5)),
    };

    private static (BridgeRuntime Runtime, Dictionary<string, InMemoryTransport> Peers) Start(HostConfig config) => InMemoryRuntime.Start(config);

    private static byte[] Frame(int sourcePort) =>
        new FrameBuilder().From("52:54:00:00:00:0a").To("52:54:00:00:00:0b").Ipv4Udp(0xA9FE0001, 0xA9FE0002, (ushort)sourcePort, 53, payloadSize: 100).Build();

    /// <summary>The data records (packets, octets) of the messages <paramref name="collector"/> gets until it has <paramref name="count"/>, skipping templates.</summary>
    private static async Task<List<(long Packets, long Octets, byte EndReason)>> RecordsAsync(UdpClient collector, int count)
    {
        var records = new List<(long, long, byte)>();
        using var timeout = new CancellationTokenSource(Patience);
        while (records.Count < count)
        {
            byte[] message = (await collector.ReceiveAsync(timeout.Token)).Buffer;
            if (BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(16)) != 256)
            {
                continue;
            }
            for (int at = 20; at + 83 <= message.Length; at += 83)   // IPv4 template, no VSI name
            {
                records.Add((BinaryPrimitives.ReadInt64BigEndian(message.AsSpan(at + 16)), BinaryPrimitives.ReadInt64BigEndian(message.AsSpan(at + 24)), message[at + 80]));
            }
        }
        return records;
    }

    [Fact]
    public async Task FramesThroughTheRunningBridgeReachTheCollectorOnceIdleAndStatsCountThem()
    {
        using var collector = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var (runtime, peers) = Start(Config(((IPEndPoint)collector.Client.LocalEndPoint!).Port, idle: TimeSpan.FromSeconds(1)));
        await using (runtime)
        {
            PortQueues hv1 = await peers["hv1"].Attached;
            await peers["hv2"].Attached;
            for (int i = 0; i < 5; i++)
            {
                hv1.Receive(Frame(sourcePort: 4000));
            }
            await peers["hv2"].TakeSentAsync(5, Patience);

            var (packets, octets, endReason) = Assert.Single(await RecordsAsync(collector, 1));

            Assert.Equal((5L, 5L * (20 + 8 + 100), (byte)1), (packets, octets, endReason));   // idle timeout
            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException("no reload here"), (_, _, _) => throw new InvalidOperationException("no trace here"));
            FlowExportStats stats = (await control.StatsAsync(CancellationToken.None)).FlowExport!;
            Assert.Equal((0L, 1L, 0L, 0L), (stats.ActiveFlows, stats.ExportedFlows, stats.EvictedFlows, stats.LostRecords));
        }
    }

    [Fact]
    public async Task StatsShowsTheActiveFlowsMostFramesFirstAsTopReadsThem()
    {
        using var collector = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var (runtime, peers) = Start(Config(((IPEndPoint)collector.Client.LocalEndPoint!).Port, idle: TimeSpan.FromSeconds(60)));
        await using (runtime)
        {
            PortQueues hv1 = await peers["hv1"].Attached;
            await peers["hv2"].Attached;
            for (int i = 0; i < 5; i++)
            {
                hv1.Receive(Frame(sourcePort: 4000));
            }
            hv1.Receive(Frame(sourcePort: 4001));
            await peers["hv2"].TakeSentAsync(6, Patience);
            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException("no reload here"), (_, _, _) => throw new InvalidOperationException("no trace here"));

            IReadOnlyList<FlowInfo> flows = (await control.StatsAsync(CancellationToken.None)).Flows!;

            Assert.Equal([(":4000", 5L), (":4001", 1L)], flows.Select(flow => (flow.Source[flow.Source.LastIndexOf(':')..], flow.Packets)));
            Assert.All(flows, flow => Assert.Equal(("hv1", "udp", (string?)null), (flow.Port, flow.Protocol, flow.Dropped)));
        }
    }

    [Fact]
    public async Task StoppingTheBridgeSendsTheFlowsStillOpen()
    {
        using var collector = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var (runtime, peers) = Start(Config(((IPEndPoint)collector.Client.LocalEndPoint!).Port, idle: TimeSpan.FromMinutes(5)));
        await using (runtime)
        {
            PortQueues hv1 = await peers["hv1"].Attached;
            await peers["hv2"].Attached;
            hv1.Receive(Frame(sourcePort: 1));
            hv1.Receive(Frame(sourcePort: 2));
            await peers["hv2"].TakeSentAsync(2, Patience);
        }

        List<(long Packets, long Octets, byte EndReason)> records = await RecordsAsync(collector, 2);
        Assert.All(records, record => Assert.Equal((1L, (byte)4), (record.Packets, record.EndReason)));   // forced end
    }

    [Fact]
    public async Task AReloadThatChangesFlowExportIsRefusedAndTheRunningConfigStays()
    {
        var (runtime, _) = Start(Config(4739, idle: TimeSpan.FromSeconds(15)));
        await using (runtime)
        {
            HostConfig running = runtime.Config;

            var error = Assert.Throws<InvalidOperationException>(() => runtime.Apply(running with { FlowExport = running.FlowExport! with { Sampling = 10 } }));

            Assert.Contains("flow_export: changed: restart the bridge", error.Message, StringComparison.Ordinal);
            Assert.Same(running, runtime.Config);
            runtime.Apply(running with { FlowExport = running.FlowExport! with { Collectors = ["127.0.0.1:4739"] } });   // equal by value: applied
        }
    }
}
