// TapTransport creates a real TAP device; the test moves it into a namespace of its own and talks to that
// namespace's kernel through it (ARP both ways), then deletes it and sees the transport recreate it. Needs root.
using System.Buffers.Binary;
using System.Net;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class TapTransportTests
{
    private static readonly IPAddress PeerAddress = IPAddress.Parse("169.254.78.1");
    private static readonly IPAddress BridgeSideAddress = IPAddress.Parse("169.254.78.2");

    [Fact(Timeout = 120_000)]
    public async Task TheTransportCreatesATapThatExchangesFramesWithTheKernelAndRecreatesItWhenDeleted()
    {
        string tap = NetNamespace.UniqueName("hptap");
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using var port = new RunningPort(new TapAttach(tap));
        await port.UpAsync();
        Assert.Contains("UP", (await ProcessRunner.RunAsync("ip", ["link", "show", tap])).Output, StringComparison.Ordinal);

        // Moving the tap keeps our descriptor attached; the kernel on the other side is the namespace's.
        await ProcessRunner.RunAsync("ip", ["link", "set", tap, "netns", ns.Name]);
        await ns.IpAsync("addr", "add", $"{PeerAddress}/16", "dev", tap);
        await ns.IpAsync("link", "set", tap, "up");

        byte[] mac = TestFrames.RandomMac();
        await port.SendUntilAnsweredAsync(TestFrames.ArpRequest(mac, BridgeSideAddress, PeerAddress),
            f => TestFrames.IsArpReply(f, mac, PeerAddress), "the namespace's kernel answering ARP through the tap");

        await ns.ExecAsync(["ping", "-c", "1", "-W", "1", "169.254.78.9"], check: false);
        await port.ReceiveAsync(
            f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == 0x0806 && f.AsSpan(38, 4).SequenceEqual(IPAddress.Parse("169.254.78.9").GetAddressBytes()),
            "the namespace's ARP request for 169.254.78.9");

        await ns.IpAsync("link", "del", tap);
        await Eventually.TrueAsync(() => port.Queues.Counters.LinkDowns == 1, "the port going down when its tap is deleted");
        await port.UpAsync();
        Assert.Contains("UP", (await ProcessRunner.RunAsync("ip", ["link", "show", tap])).Output, StringComparison.Ordinal);

        await port.DisposeAsync();
        ProcessRunner.Result gone = await ProcessRunner.RunAsync("ip", ["link", "show", tap], check: false);
        Assert.NotEqual(0, gone.ExitCode);   // not persistent: the tap goes with the transport
    }

    [Fact(Timeout = 120_000)]
    public async Task FramesTheKernelDropsOnTheirWayToUsAreCountedAsReceivedAndDropped()
    {
        string tap = NetNamespace.UniqueName("hptap");
        await using var port = new RunningPort(new TapAttach(tap), slots: 4096);
        await port.UpAsync();
        await ProcessRunner.RunAsync("ip", ["link", "set", tap, "txqueuelen", "8"]);   // a short queue to us: the flood overflows it

        Task<int>[] flood = [RawSender.BroadcastAsync(null, tap, 50_000, 64, "02bb00000001"), RawSender.BroadcastAsync(null, tap, 50_000, 64, "02bb00000002")];
        await Task.WhenAll(flood);
        long rx;
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        do
        {
            rx = port.Queues.Counters.RxFrames;
            await Task.Delay(300);
        }
        while (rx != port.Queues.Counters.RxFrames && DateTime.UtcNow < deadline);

        // The kernel's own count of the tap: tx_packets were read by us, tx_dropped never reached us.
        long delivered = long.Parse(await File.ReadAllTextAsync($"/sys/class/net/{tap}/statistics/tx_packets"), System.Globalization.CultureInfo.InvariantCulture);
        long dropped = long.Parse(await File.ReadAllTextAsync($"/sys/class/net/{tap}/statistics/tx_dropped"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(dropped > 0, "the flood did not overflow the tap's queue");
        Assert.Equal(dropped, port.Queues.Counters.Dropped(LinkDropReason.RxSocketDrop));
        Assert.Equal(delivered + dropped, port.Queues.Counters.RxFrames);
    }
}
