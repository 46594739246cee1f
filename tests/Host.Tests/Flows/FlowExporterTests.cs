// The exporter's thread against UDP sockets of the test's own: the templates come first, then the
// flows the engine ended, in messages whose sequence numbers count the data records sent before
// them; every collector gets every message; a collector nobody listens on is counted (its ICMP error
// comes back on the connected socket), never fatal; stopping sends the flows still open.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Flows;
using Hairpin.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Flows;

public sealed class FlowExporterTests
{
    private static FlowExportConfig Config(params string[] collectors) =>
        new(collectors, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15), 1024, 1, 9, TimeSpan.FromMinutes(5));

    /// <summary>An engine of two ports accounting in the exporter's monitor, after <paramref name="flows"/> UDP flows of one frame each went through it.</summary>
    private static BridgeEngine ForwardFlows(FlowExporter exporter, int flows)
    {
        var pool = new FramePool(256);
        var engine = new BridgeEngine(new BridgeConfig { Ports = [new PortConfig { Name = "p0" }, new PortConfig { Name = "p1" }] }, pool, TimeProvider.System);
        engine.SetFlowMonitor(exporter.Monitor);
        var batch = new FrameBuffer[flows];
        for (int i = 0; i < flows; i++)
        {
            Assert.True(pool.TryRent(out FrameBuffer? buffer));
            buffer.TryCopyFrom(new FrameBuilder().From("52:54:00:00:00:0a").To("52:54:00:00:00:0b").Ipv4Udp(0x0A000001, 0x0A000002, (ushort)(1000 + i), 53).Build());
            buffer.IngressPort = 0;
            batch[i] = buffer;
        }
        engine.ProcessBatch(batch);
        return engine;
    }

    private static async Task<byte[]> ReceiveAsync(UdpClient collector)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await collector.ReceiveAsync(timeout.Token)).Buffer;
    }

    private static (ushort SetId, uint Sequence, uint Domain) Header(byte[] message) =>
        (BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(16)), BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(8)), BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(12)));

    [Fact]
    public async Task TemplatesComeFirstThenTheEndedFlowsToEveryCollectorWithSequenceNumbers()
    {
        using var first = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var second = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var exporter = new FlowExporter(Config($"127.0.0.1:{((IPEndPoint)first.Client.LocalEndPoint!).Port}", $"localhost:{((IPEndPoint)second.Client.LocalEndPoint!).Port}"),
            TimeProvider.System, NullLogger.Instance);
        ForwardFlows(exporter, flows: 20);
        exporter.Start();

        foreach (UdpClient collector in new[] { first, second })
        {
            Assert.Equal(((ushort)2, 0u, 9u), Header(await ReceiveAsync(collector)));   // the template set, before any record
        }
        exporter.Monitor.Flush();   // as the forwarding thread does at stop: the 20 flows end
        byte[] records1 = await ReceiveAsync(first);
        byte[] records2 = await ReceiveAsync(first);
        exporter.Stop();

        Assert.Equal(((ushort)256, 0u, 9u), Header(records1));
        int inFirst = (BinaryPrimitives.ReadUInt16BigEndian(records1.AsSpan(18)) - 4) / 83;   // 83 bytes each: no VSI name
        Assert.Equal(((ushort)256, (uint)inFirst, 9u), Header(records2));                     // sequence: records sent before it
        Assert.Equal(20, inFirst + ((BinaryPrimitives.ReadUInt16BigEndian(records2.AsSpan(18)) - 4) / 83));
        Assert.Equal(20, exporter.SentRecords);
        Assert.Equal(records1, await ReceiveAsync(second));
        Assert.Equal(0, exporter.FailedSends);
    }

    [Fact]
    public async Task ACollectorNobodyListensOnIsCountedAndTheOthersStillGetEveryMessage()
    {
        int closedPort;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            closedPort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        }
        using var listening = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var exporter = new FlowExporter(Config($"127.0.0.1:{closedPort}", $"127.0.0.1:{((IPEndPoint)listening.Client.LocalEndPoint!).Port}"),
            TimeProvider.System, NullLogger.Instance);
        exporter.Start();
        await ReceiveAsync(listening);   // templates: the closed port answered with ICMP

        for (int round = 0; round < 3; round++)
        {
            ForwardFlows(exporter, flows: 1);
            exporter.Monitor.Flush();
            await ReceiveAsync(listening);
        }
        exporter.Stop();

        Assert.True(exporter.FailedSends >= 1, $"failed sends: {exporter.FailedSends}");
        Assert.Equal(3, exporter.SentRecords);
    }
}
