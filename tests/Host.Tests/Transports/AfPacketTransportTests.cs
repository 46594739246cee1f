// AfPacketTransport on one end of a real veth pair whose other end is in a namespace of the test's own,
// where the kernel answers ARP and scapy sends crafted (also 802.1Q-tagged) frames. Needs root.
using System.Buffers.Binary;
using System.Net;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Transports;

public sealed class AfPacketTransportTests
{
    private static readonly IPAddress PeerAddress = IPAddress.Parse("169.254.77.1");
    private static readonly IPAddress BridgeSideAddress = IPAddress.Parse("169.254.77.2");

    private static async Task AddPeerAddressAsync(VethPair veth) =>
        await veth.PeerNamespace.IpAsync("addr", "add", $"{PeerAddress}/16", "dev", veth.PeerEnd);

    private static async Task ArpExchangeAsync(RunningPort port)
    {
        byte[] mac = TestFrames.RandomMac();
        byte[] request = TestFrames.ArpRequest(mac, BridgeSideAddress, PeerAddress);
        await port.SendUntilAnsweredAsync(request, f => TestFrames.IsArpReply(f, mac, PeerAddress), "the namespace's kernel answering ARP");
        Assert.DoesNotContain(port.Received, f => f.AsSpan().SequenceEqual(request));   // our own transmissions are skipped
    }

    [Fact(Timeout = 120_000)]
    public async Task FramesFlowBothWaysWithTheKernelBehindAVeth()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await AddPeerAddressAsync(veth);
        await using var port = new RunningPort(new AfPacketAttach(veth.RootEnd));
        await port.UpAsync();

        await ArpExchangeAsync(port);

        // And a frame the namespace sends on its own (ping resolving a neighbour) arrives as the kernel sent it.
        await ns.ExecAsync(["ping", "-c", "1", "-W", "1", "169.254.77.9"], check: false);
        byte[] who = await port.ReceiveAsync(
            f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == 0x0806 && f.AsSpan(38, 4).SequenceEqual(IPAddress.Parse("169.254.77.9").GetAddressBytes()),
            "the namespace's ARP request for 169.254.77.9");
        Assert.Equal(TestFrames.Broadcast, who[..6]);
        Assert.Equal(0, port.Queues.Counters.Dropped(LinkDropReason.TxSendFailed));
    }

    [Fact(Timeout = 120_000)]
    public async Task TaggedFramesArriveWithTheTagTheKernelTookOff()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await using var port = new RunningPort(new AfPacketAttach(veth.RootEnd));
        await port.UpAsync();

        string untagged = TestFrames.NewMarker();
        string dot1q = TestFrames.NewMarker();
        string dot1ad = TestFrames.NewMarker();
        const string Source = "02:00:00:00:77:01";
        await ns.SendWithScapyAsync(veth.PeerEnd,
            $"[Ether(dst='ff:ff:ff:ff:ff:ff', src='{Source}', type=0x88b5)/Raw(b'{untagged}')," +
            $" Ether(dst='ff:ff:ff:ff:ff:ff', src='{Source}')/Dot1Q(prio=5, vlan=123, type=0x88b5)/Raw(b'{dot1q}')," +
            $" Ether(dst='ff:ff:ff:ff:ff:ff', src='{Source}')/Dot1AD(vlan=200)/Dot1Q(vlan=123, type=0x88b5)/Raw(b'{dot1ad}')]");

        byte[] plain = await port.ReceiveAsync(f => TestFrames.Contains(f, untagged), "the untagged frame");
        Assert.Equal(0x88B5, BinaryPrimitives.ReadUInt16BigEndian(plain.AsSpan(12)));

        byte[] tagged = await port.ReceiveAsync(f => TestFrames.Contains(f, dot1q), "the 802.1Q-tagged frame");
        Assert.Equal(TestFrames.Broadcast, tagged[..6]);
        Assert.Equal(Convert.FromHexString("020000007701"), tagged[6..12]);
        Assert.Equal(0x8100, BinaryPrimitives.ReadUInt16BigEndian(tagged.AsSpan(12)));
        Assert.Equal((5 << 13) | 123, BinaryPrimitives.ReadUInt16BigEndian(tagged.AsSpan(14)));
        Assert.Equal(0x88B5, BinaryPrimitives.ReadUInt16BigEndian(tagged.AsSpan(16)));
        Assert.True(TestFrames.Contains(tagged.AsSpan(18), dot1q));

        byte[] stacked = await port.ReceiveAsync(f => TestFrames.Contains(f, dot1ad), "the 802.1ad+802.1Q frame");
        Assert.Equal(0x88A8, BinaryPrimitives.ReadUInt16BigEndian(stacked.AsSpan(12)));
        Assert.Equal(200, BinaryPrimitives.ReadUInt16BigEndian(stacked.AsSpan(14)) & 0x0FFF);
        Assert.Equal(0x8100, BinaryPrimitives.ReadUInt16BigEndian(stacked.AsSpan(16)));
        Assert.Equal(123, BinaryPrimitives.ReadUInt16BigEndian(stacked.AsSpan(18)) & 0x0FFF);
        Assert.Equal(0x88B5, BinaryPrimitives.ReadUInt16BigEndian(stacked.AsSpan(20)));
    }

    [Fact(Timeout = 120_000)]
    public async Task DeletingTheVethMarksThePortDownAndRecreatingItBringsItBack()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await AddPeerAddressAsync(veth);
        await using var port = new RunningPort(new AfPacketAttach(veth.RootEnd));
        await port.UpAsync();
        await ArpExchangeAsync(port);

        await veth.DeleteAsync();
        await port.DownAsync();
        Assert.Equal(1, port.Queues.Counters.LinkDowns);
        Assert.NotNull(port.Queues.DownReason);
        Assert.False(port.Send(TestFrames.Marked(TestFrames.RandomMac(), "while-down")));
        Assert.Equal(1, port.Queues.Counters.Dropped(LinkDropReason.TxLinkDown));   // counted at once, never queued
        Assert.True(port.Queues.Outbound.IsEmpty);

        await veth.AddAsync();
        await AddPeerAddressAsync(veth);
        await port.UpAsync(TimeSpan.FromSeconds(10));
        await ArpExchangeAsync(port);
        Assert.Equal(1, port.Queues.Counters.LinkDowns);
    }

    [Fact(Timeout = 120_000)]
    public async Task ThePeerGoingDownTakesThePortDownForNoCarrierKeepingItsSocketsAndItsReturnBringsItBack()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await AddPeerAddressAsync(veth);
        await using var port = new RunningPort(new AfPacketAttach(veth.RootEnd));
        await port.UpAsync();
        await ArpExchangeAsync(port);

        await ns.IpAsync("link", "set", veth.PeerEnd, "down");   // our end stays admin-up: NO-CARRIER, LOWERLAYERDOWN
        await port.DownAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(PortQueues.NoCarrier, port.Queues.DownReason);
        Assert.True(port.Queues.CarrierLost);   // the device is still attached: not reopened, only not used
        Assert.False(port.Send(TestFrames.Marked(TestFrames.RandomMac(), "no-carrier")));
        Assert.Equal(1, port.Queues.Counters.Dropped(LinkDropReason.TxLinkDown));
        await Task.Delay(DeviceTransportLoop.RetryInterval * 1.5);
        Assert.Equal((1, 1), (port.Queues.Counters.LinkUps, port.Queues.Counters.LinkDowns));   // no reopening churn while it waits

        await ns.IpAsync("link", "set", veth.PeerEnd, "up");
        await port.UpAsync(TimeSpan.FromSeconds(5));
        await ArpExchangeAsync(port);
        Assert.Equal((2, 1), (port.Queues.Counters.LinkUps, port.Queues.Counters.LinkDowns));
    }

    [Fact(Timeout = 120_000)]
    public async Task APortWhoseInterfaceHasNoCarrierAtStartIsNeverUpUntilCarrierComes()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await AddPeerAddressAsync(veth);
        await ns.IpAsync("link", "set", veth.PeerEnd, "down");
        await using var port = new RunningPort(new AfPacketAttach(veth.RootEnd));

        await Eventually.TrueAsync(() => port.Queues.DownReason == PortQueues.NoCarrier, "the port down for no carrier");
        Assert.Equal(0, port.Queues.Counters.LinkUps);

        await ns.IpAsync("link", "set", veth.PeerEnd, "up");
        await port.UpAsync(TimeSpan.FromSeconds(5));
        await ArpExchangeAsync(port);
        Assert.Equal((1, 0), (port.Queues.Counters.LinkUps, port.Queues.Counters.LinkDowns));
    }

    [Fact(Timeout = 60_000)]
    public async Task AMissingInterfaceKeepsThePortDownWithTheReason()
    {
        string missing = NetNamespace.UniqueName("hpmiss");
        await using var port = new RunningPort(new AfPacketAttach(missing));
        await Eventually.TrueAsync(() => port.Queues.DownReason == $"no interface {missing}", "the reason naming the missing interface");
        Assert.False(port.Queues.IsUp);
    }

    [Fact(Timeout = 120_000)]
    public async Task TheLinkGoingAndComingBackIsLoggedOnceEachWithPortInterfaceAndReason()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        using var log = new CapturingLogger();
        var attach = new AfPacketAttach(veth.RootEnd);
        await using var port = new RunningPort(attach, events: new LinkEventLog(log.Factory.CreateLogger("hairpin.link"), "hv1", attach));
        await port.UpAsync();
        CapturedLine up = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Information, up.Level);
        Assert.Equal(("hv1", veth.RootEnd), (up["Port"], up["Interface"]));

        await veth.DeleteAsync();
        await port.DownAsync();
        await Task.Delay(DeviceTransportLoop.RetryInterval * 2.5);   // two failed reopenings: not logged again
        CapturedLine down = Assert.Single(log.Lines, entry => entry.Level == LogLevel.Warning);
        Assert.Equal(("hv1", veth.RootEnd), (down["Port"], down["Interface"]));
        Assert.Equal($"{veth.RootEnd} went down or was removed", down["Reason"]);
        Assert.Contains($"port hv1: link down on {veth.RootEnd}", down.Message, StringComparison.Ordinal);

        await veth.AddAsync();
        await port.UpAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([LogLevel.Information, LogLevel.Warning, LogLevel.Information], log.Lines.Select(entry => entry.Level));
        Assert.Equal((2, 1), (port.Queues.Counters.LinkUps, port.Queues.Counters.LinkDowns));
    }

    [Fact(Timeout = 60_000)]
    public async Task AMissingInterfaceAtStartIsOneWarningNamingPortAndInterface()
    {
        string missing = NetNamespace.UniqueName("hpmiss");
        using var log = new CapturingLogger();
        var attach = new AfPacketAttach(missing);
        await using var port = new RunningPort(attach, events: new LinkEventLog(log.Factory.CreateLogger("hairpin.link"), "hv9", attach));
        await Eventually.TrueAsync(() => log.Lines.Count > 0, "a log line about the missing interface");
        await Task.Delay(DeviceTransportLoop.RetryInterval * 2.5);
        CapturedLine warning = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(("hv9", missing, $"no interface {missing}"), (warning["Port"], warning["Interface"], warning["Reason"]));
        Assert.Equal((0, 0), (port.Queues.Counters.LinkUps, port.Queues.Counters.LinkDowns));
    }

    [Fact(Timeout = 120_000)]
    public async Task AVanishingInterfaceTakesDownOnlyItsOwnPort()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using VethPair staying = await VethPair.CreateAsync(ns);
        await using VethPair leaving = await VethPair.CreateAsync(ns);
        await AddPeerAddressAsync(staying);
        await using var kept = new RunningPort(new AfPacketAttach(staying.RootEnd));
        await using var lost = new RunningPort(new AfPacketAttach(leaving.RootEnd));
        await kept.UpAsync();
        await lost.UpAsync();

        await leaving.DeleteAsync();
        await lost.DownAsync();
        Assert.True(kept.Queues.IsUp);
        await ArpExchangeAsync(kept);   // the other port still exchanges frames
        Assert.Equal(0, kept.Queues.Counters.LinkDowns);
    }
}
