// A stream peer that breaks QEMU's framing loses the frame it announced and its connection: the loss is
// a link-level drop like any other (rx-protocol-error), so `hairpin stats` and the Prometheus metrics,
// which both read LinkCounters by LinkDropReason, show it, and the port's accounting still balances.
// Real stream transports on Unix sockets under the appliance's runtime, forwarding thread included.
using System.Buffers.Binary;
using System.Net.Sockets;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Commands;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Transports;

public sealed class StreamProtocolErrorAccountingTests : IDisposable
{
    // Port names of this class only: another class's bridge may be metered at the same time.
    private const string Garbled = "pe-garbled";
    private const string Quiet = "pe-quiet";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"hairpin-pe-{Guid.NewGuid():N}"[..30]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string SocketOf(string port) => Path.Combine(_directory, port + ".sock");

    private HostConfig Config() => new()
    {
        SourceFile = "/nonexistent/hairpin-protocol-error-test.yaml",
        Bridge = new BridgeConfig
        {
            Ports = [new PortConfig { Name = Garbled }, new PortConfig { Name = Quiet }],
            LoopDetection = new LoopDetection { Enabled = false },
        },
        Attachments =
        [
            new PortAttachment(Garbled, new StreamAttach(SocketOf(Garbled), Listen: true)),
            new PortAttachment(Quiet, new StreamAttach(SocketOf(Quiet), Listen: true)),
        ],
    };

    private async Task<QemuStreamPeer> ConnectWhenListeningAsync(string port)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            try
            {
                return await QemuStreamPeer.ConnectAsync(new UnixDomainSocketEndPoint(SocketOf(port)));
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData(0u)]
    [InlineData(69633u)]
    public async Task ABadFrameLengthIsCountedAsRxProtocolErrorInStatsAndMetrics(uint badLength)
    {
        var runtime = BridgeRuntime.Start(Config(), NullLoggerFactory.Instance, TransportFactory.Create);
        await using (runtime)
        {
            using var metrics = new BridgeMetrics(runtime);
            PortQueues garbled = runtime.Ports[0];
            using (QemuStreamPeer peer = await ConnectWhenListeningAsync(Garbled))
            {
                await Eventually.TrueAsync(() => garbled.IsUp, "the peer connected");
                // One good frame first: it is forwarded, so the port's accounting has both kinds of frames.
                await peer.SendFrameAsync(new FrameBuilder().From(MacAddress.Parse("52:54:00:00:0e:01")).To(MacAddress.Broadcast).Build());
                await Eventually.TrueAsync(() => runtime.Engine.Counters(0).RxFrames == 1, "the good frame reached the engine");
                byte[] header = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(header, badLength);
                await peer.SendRawAsync([.. header, .. new byte[64]]);
                Assert.True(await peer.ClosedByOtherSideAsync(), "the transport should close a connection that breaks the framing");
            }
            await Eventually.TrueAsync(() => garbled.Counters.Dropped(LinkDropReason.RxProtocolError) == 1, "the bad frame counted");
            Assert.Equal(1, garbled.ProtocolErrors);

            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException(), (_, _, _) => throw new InvalidOperationException());
            BridgeStats stats = await control.StatsAsync(CancellationToken.None);
            PortStats port = stats.Ports.Single(p => p.Name == Garbled);
            Assert.Contains(new DropCount("rx-protocol-error", 1), port.IngressDrops);
            Assert.Equal(2, port.Rx.Frames);   // the good frame and the one it announced badly
            Assert.Equal(port.Rx.Frames, port.Forwarded + port.Trapped + port.IngressDrops.Sum(drop => drop.Frames));
            Assert.Empty(stats.Ports.Single(p => p.Name == Quiet).IngressDrops);

            string printed = string.Join("\n", StatsPrinter.Tables(stats));
            Assert.Matches($@"{Garbled}\s+ingress\s+rx-protocol-error\s+1", printed);

            string text = PrometheusText.Collect(BridgeMetrics.MeterName);
            Assert.Contains($"hairpin_port_dropped_total{{port=\"{Garbled}\",direction=\"ingress\",reason=\"rx-protocol-error\"}} 1", text, StringComparison.Ordinal);
            Assert.Contains($"hairpin_port_rx_frames_total{{port=\"{Garbled}\"}} 2", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"port=\"{Quiet}\",direction=\"ingress\",reason=\"rx-protocol-error\"", text, StringComparison.Ordinal);
        }
    }
}
