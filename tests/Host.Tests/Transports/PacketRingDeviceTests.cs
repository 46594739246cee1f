// PacketRingDevice under the DevicePoller, as an afpacket port runs it with HAIRPIN_AFPACKET=ring:
// frames from a namespace reach the port's Inbound whole and in order (tags back), are counted as
// received, and deleting the veth takes the port down with the reason. Needs root.
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class PacketRingDeviceTests
{
    [Fact(Timeout = 120_000)]
    public async Task FramesReachInboundInOrderAndADeletedVethTakesThePortDown()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        using var wake = new ManualResetEventSlim();
        using var queues = new PortQueues("ring", 256, 2048, wake);
        using var stop = new CancellationTokenSource();
        Task running = DeviceTransportLoop.RunAsync(queues, () => PacketRingDevice.Open(veth.RootEnd), stop.Token);
        await Eventually.TrueAsync(() => queues.IsUp, "the ring port up");

        byte[] source = TestFrames.RandomMac();
        string[] markers = [.. Enumerable.Range(0, 50).Select(_ => TestFrames.NewMarker())];
        string tagged = TestFrames.NewMarker();
        await ns.SendWithScapyAsync(veth.PeerEnd,
            "[" + string.Join(", ", markers.Select(m => $"Ether(dst='ff:ff:ff:ff:ff:ff', src='{FormatMac(source)}', type=0x88b5)/Raw(b'{m}')")) +
            $", Ether(dst='ff:ff:ff:ff:ff:ff', src='{FormatMac(source)}')/Dot1Q(vlan=321, type=0x88b5)/Raw(b'{tagged}')]");

        var received = new List<byte[]>();
        await Eventually.TrueAsync(() =>
        {
            while (queues.Inbound.TryPeek(out ReadOnlySpan<byte> frame))
            {
                received.Add(frame.ToArray());
                queues.Inbound.Release();
            }
            return received.Count(f => f.AsSpan(6, 6).SequenceEqual(source)) == markers.Length + 1;
        }, "every frame in Inbound");
        byte[][] ours = [.. received.Where(f => f.AsSpan(6, 6).SequenceEqual(source))];
        for (int i = 0; i < markers.Length; i++)
        {
            Assert.True(TestFrames.Contains(ours[i], markers[i]), $"frame {i} in order");
        }
        Assert.Equal([0x81, 0x00, 0x01, 0x41, 0x88, 0xB5], ours[^1][12..18]);
        Assert.True(queues.Counters.RxFrames >= markers.Length + 1);

        await veth.DeleteAsync();
        await Eventually.TrueAsync(() => !queues.IsUp, "the port down once its veth is gone");
        Assert.Equal(1, queues.Counters.LinkDowns);   // the ring reported the interface gone (SO_ERROR); retries now find no interface
        Assert.NotNull(queues.DownReason);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    private static string FormatMac(byte[] mac) => string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
