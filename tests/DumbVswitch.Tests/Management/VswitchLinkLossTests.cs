// The vswitch reports losses between the wire and the switch as the bridge does: a VM's stream peer
// that breaks QEMU's framing is an rx-protocol-error on the VM's port, in `stats` and in the metrics,
// both read from the port's LinkCounters by LinkDropReason. Real stream transports on Unix sockets.
using System.Buffers.Binary;
using System.Net.Sockets;
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Management;
using Hairpin.DumbVswitch.Metrics;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Management;

public sealed class VswitchLinkLossTests : IDisposable
{
    // A port name of this class only: another class's vswitch may be metered at the same time.
    private const string VmName = "pe-vm";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"dvs-pe-{Guid.NewGuid():N}"[..27]);

    public VswitchLinkLossTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string SocketOf(string port) => Path.Combine(_directory, port + ".sock");

    [Fact(Timeout = 30_000)]
    public async Task AVmPeersBadFrameLengthIsCountedAsRxProtocolErrorInStatsAndMetrics()
    {
        var config = new DumbVswitchConfig
        {
            SourceFile = "test.yaml",
            Uplink = new StreamAttach(SocketOf("uplink"), Listen: true),
            Vms = [new VmConfig(VmName, Mac1, new StreamAttach(SocketOf(VmName), Listen: true))],
        };
        using var runtime = new DumbVswitchRuntime(config, TransportFactory.Create, NullLogger.Instance, slots: 64);
        using var stop = new CancellationTokenSource();
        Task run = runtime.RunAsync(stop.Token);
        try
        {
            using var metrics = new VswitchMetrics(runtime);
            using (QemuStreamPeer vm = await ConnectWhenListeningAsync(SocketOf(VmName)))
            {
                Assert.True(await Eventually.HoldsAsync(() => runtime.Vms[0].IsUp), "the VM's peer never came up");
                await vm.SendFrameAsync(Frame(Mac1, MacAddress.Broadcast));
                Assert.True(await Eventually.HoldsAsync(() => runtime.Switch.Vms[0].RxFrames == 1), "the good frame never reached the switch");
                byte[] header = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(header, 0);
                await vm.SendRawAsync([.. header, .. new byte[64]]);
                Assert.True(await vm.ClosedByOtherSideAsync(), "the transport should close a connection that breaks the framing");
            }
            Assert.True(await Eventually.HoldsAsync(() => runtime.Vms[0].Counters.Dropped(LinkDropReason.RxProtocolError) == 1), "the bad frame was not counted");

            BridgeStats stats = await new VswitchControl(runtime).StatsAsync(CancellationToken.None);
            PortStats port = stats.Ports.Single(p => p.Name == VmName);
            Assert.Contains(new DropCount("rx-protocol-error", 1), port.IngressDrops);
            Assert.Equal(2, port.Rx.Frames);   // the good frame and the one it announced badly

            string text = PrometheusText.Collect(VswitchMetrics.MeterName);
            Assert.Contains($"dvs_port_dropped_total{{port=\"{VmName}\",direction=\"ingress\",reason=\"rx-protocol-error\"}} 1", text, StringComparison.Ordinal);
            Assert.Contains($"dvs_port_rx_frames_total{{port=\"{VmName}\"}} 2", text, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<QemuStreamPeer> ConnectWhenListeningAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await QemuStreamPeer.ConnectAsync(new UnixDomainSocketEndPoint(path));
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }
}
