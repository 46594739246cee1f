// The forwarding loop's own share of a port's accounting: a frame it takes from Inbound reaches the
// engine, or is counted rx-no-buffer (the pool is empty) or rx-too-big (larger than a pool buffer),
// so a port's rx = engine rx + rx-* drops holds across the loop too.
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

public sealed class ForwardingLoopAccountingTests
{
    private static byte[] Broadcast(int size = 64)
    {
        byte[] frame = new FrameBuilder().From(MacAddress.Parse("52:54:00:00:00:0a")).To(MacAddress.Broadcast).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 4000, 5000).Build();
        return size > frame.Length ? [.. frame, .. new byte[size - frame.Length]] : frame;
    }

    [Fact(Timeout = 30_000)]
    public async Task FramesTheLoopCannotHandOverAreCountedNoBufferOrTooBig()
    {
        var config = new BridgeConfig
        {
            Ports = [new PortConfig { Name = "p0" }, new PortConfig { Name = "p1" }],
            LoopDetection = new LoopDetection { Enabled = false },
        };
        var engine = new BridgeEngine(config, new FramePool(4, frameCapacity: 2048), TimeProvider.System);
        using var readiness = PortReadiness.Create();
        using var p0 = new PortQueues("p0", 64, 4096, readiness.Wake);
        using var p1 = new PortQueues("p1", 64, 4096, readiness.Wake);
        p1.SendStraightToDevice();
        using var device = new FakeFrameDevice();
        p1.AttachDevice(device);
        p0.MarkUp();   // as its transport does before the first frame: a port without link is heard by nobody (ingress-link-down)
        Assert.True(p0.Receive(Broadcast(3000)));   // fits a slot, not a pool buffer
        for (int i = 0; i < 10; i++)
        {
            Assert.True(p0.Receive(Broadcast()));
        }

        var loop = new EngineStage(engine, [p0, p1], TimeProvider.System, NullLogger.Instance)
            .CreateLoop(new PortIo(readiness, [p0, p1]), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var thread = new Thread(() => loop.Run(stop.Token)) { IsBackground = true };
        thread.Start();
        try
        {
            await Eventually.TrueAsync(() => p0.Inbound.IsEmpty && device.Taken.Count == 4, "the loop taking every frame and forwarding what the pool held");
        }
        finally
        {
            await stop.CancelAsync();   // wakes the loop
            thread.Join();
        }

        // One batch of 11: the jumbo frame, then 4 of 10 in the pool's 4 buffers, 6 without a buffer.
        Assert.Equal(1, p0.Counters.Dropped(LinkDropReason.RxTooBig));
        Assert.Equal(6, p0.Counters.Dropped(LinkDropReason.RxNoBuffer));
        Assert.Equal(4, engine.Counters(0).RxFrames);
        Assert.Equal(p0.Counters.RxFrames, engine.Counters(0).RxFrames + p0.Counters.RxDroppedTotal);
        Assert.Equal(4, p1.Counters.TxFrames);
    }
}
