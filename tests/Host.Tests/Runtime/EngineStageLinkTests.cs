// The appliance's forwarding thread tells the engine each port's link (EngineStage.FollowLinks): a
// port whose transport has not attached yet is link-down in the engine, so a flood gives it no copy
// and it counts nothing lost (no tx-link-down); once its peer is there it gets copies again.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Runtime;

public sealed class EngineStageLinkTests
{
    private static byte[] Broadcast(int sequence) =>
        new FrameBuilder().From(MacAddress.Parse("52:54:00:00:00:0a")).To(MacAddress.Broadcast).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 4000, (ushort)(5000 + sequence)).Build();

    [Fact(Timeout = 30_000)]
    public async Task APortWhosePeerHasNotComeIsOfferedNoFloodCopyAndGetsThemOnceItIsThere()
    {
        var config = new BridgeConfig
        {
            Ports = [new PortConfig { Name = "p0" }, new PortConfig { Name = "p1" }, new PortConfig { Name = "p2" }],
            LoopDetection = new LoopDetection { Enabled = false },
        };
        var engine = new BridgeEngine(config, new FramePool(64), TimeProvider.System);
        using var readiness = PortReadiness.Create();
        using var p0 = new PortQueues("p0", 64, 4096, readiness.Wake);
        using var p1 = new PortQueues("p1", 64, 4096, readiness.Wake);   // a stream port whose peer has not connected: never marked up
        using var p2 = new PortQueues("p2", 64, 4096, readiness.Wake);
        p2.SendStraightToDevice();
        using var device = new FakeFrameDevice();
        p2.AttachDevice(device);
        p0.MarkUp();

        var loop = new EngineStage(engine, [p0, p1, p2], TimeProvider.System, NullLogger.Instance)
            .CreateLoop(new PortIo(readiness, [p0, p1, p2]), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var thread = new Thread(() => loop.Run(stop.Token)) { IsBackground = true };
        thread.Start();
        try
        {
            Assert.True(p0.Receive(Broadcast(0)));
            await Eventually.TrueAsync(() => device.Taken.Count == 1, "the broadcast sent out of p2");
            Assert.True(p1.Outbound.IsEmpty);
            Assert.Equal(0, p1.Counters.Dropped(LinkDropReason.TxLinkDown));   // offered nothing, so nothing lost (it counted 1 before)

            p1.MarkUp();   // its peer connects
            Assert.True(p0.Receive(Broadcast(1)));
            await Eventually.TrueAsync(() => device.Taken.Count == 2 && !p1.Outbound.IsEmpty, "the next broadcast sent out of p2 and queued for p1");
            Assert.Equal(0, p1.Counters.Dropped(LinkDropReason.TxLinkDown));
        }
        finally
        {
            await stop.CancelAsync();   // wakes the loop
            thread.Join();
        }
        Assert.Equal(2, engine.Counters(0).Flooded);
        Assert.Equal(1, engine.Counters(1).TxFrames);
    }
}
