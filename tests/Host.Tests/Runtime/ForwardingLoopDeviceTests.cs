// The forwarding thread serving afpacket ports itself (PortIo): it reads their rings, forwards,
// and sends with batched sendmmsg, with no receive thread in between. Frames sent into one veth in
// bursts of every size with pauses of every length come out of the other veth once each, in order,
// and every one is counted; a deleted veth takes its port down, a recreated one brings it back and
// traffic flows again. Needs root.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Runtime;

public sealed class ForwardingLoopDeviceTests
{
    [Fact(Timeout = 240_000)]
    public async Task FramesCrossTwoRingPortsOnceEachInOrderAndADeletedVethComesBackWithoutDisturbingTheOther()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair a = await VethPair.CreateAsync(ns);
        await using VethPair b = await VethPair.CreateAsync(ns);
        await using var bridge = new TwoPortBridge(a.RootEnd, b.RootEnd);
        await bridge.UpAsync();
        byte[] source = TestFrames.RandomMac();
        string[] plan = NumberedBursts.Plan(64);
        int count = NumberedBursts.FrameCount(plan);

        Task<int[]> received = await NumberedBursts.ReceiveAsync(ns, b.PeerEnd, source, count);
        await NumberedBursts.SendAsync(ns, a.PeerEnd, source, plan);

        Assert.Equal(Enumerable.Range(0, count), await received);
        await Eventually.TrueAsync(() => bridge.In.Counters.RxFrames == count && bridge.Out.Counters.TxFrames == count,
            $"{count} frames counted in and out (in {bridge.In.Counters.RxFrames}, out {bridge.Out.Counters.TxFrames})");
        Assert.Equal(0, bridge.In.Counters.RxDroppedTotal);
        Assert.Equal(0, bridge.Out.Counters.TxDroppedTotal);

        await a.DeleteAsync();
        await Eventually.TrueAsync(() => !bridge.In.IsUp, "the port down once its veth is gone");
        Assert.Equal(1, bridge.In.Counters.LinkDowns);
        Assert.NotNull(bridge.In.DownReason);
        // The vanished interface takes down only its own port: the same thread still serves the other one.
        Assert.True(bridge.Out.IsUp);
        Assert.Equal(0, bridge.Out.Counters.LinkDowns);
        long outReceived = bridge.Out.Counters.RxFrames;
        string[] meanwhile = NumberedBursts.Plan(3);
        int meanwhileCount = NumberedBursts.FrameCount(meanwhile);
        await NumberedBursts.SendAsync(ns, b.PeerEnd, TestFrames.RandomMac(), meanwhile);
        await Eventually.TrueAsync(() => bridge.Out.Counters.RxFrames == outReceived + meanwhileCount,
            $"{meanwhileCount} frames received on the port that stayed (got {bridge.Out.Counters.RxFrames - outReceived})");
        await a.AddAsync();
        await Eventually.TrueAsync(() => bridge.In.IsUp, "the port back with its veth", TimeSpan.FromSeconds(20));

        string[] again = NumberedBursts.Plan(9);
        int more = NumberedBursts.FrameCount(again);
        received = await NumberedBursts.ReceiveAsync(ns, b.PeerEnd, source, more);
        await NumberedBursts.SendAsync(ns, a.PeerEnd, source, again);
        Assert.Equal(Enumerable.Range(0, more), await received);
    }

    /// <summary>An engine with ports "in" and "out" on two interfaces, and a forwarding loop serving both devices.</summary>
    private sealed class TwoPortBridge : IAsyncDisposable
    {
        private readonly PortReadiness _readiness = PortReadiness.Create();
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        private readonly AfPacketTransport[] _transports;
        private readonly Task[] _running;

        public TwoPortBridge(string inInterface, string outInterface)
        {
            var config = new BridgeConfig
            {
                Ports = [new PortConfig { Name = "in" }, new PortConfig { Name = "out" }],
                LoopDetection = new LoopDetection { Enabled = false },
            };
            var engine = new BridgeEngine(config, new FramePool(4096), TimeProvider.System);
            In = new PortQueues("in", 64, 2048, _readiness.Wake);
            Out = new PortQueues("out", 64, 2048, _readiness.Wake);
            var loop = new EngineStage(engine, [In, Out], TimeProvider.System, NullLogger.Instance)
            .CreateLoop(new PortIo(_readiness, [In, Out]), NullLogger.Instance);
            _thread = new Thread(() => loop.Run(_stop.Token)) { IsBackground = true, Name = "test-forwarding" };
            _thread.Start();
            _transports = [new AfPacketTransport(new AfPacketAttach(inInterface)), new AfPacketTransport(new AfPacketAttach(outInterface))];
            _running = [_transports[0].RunAsync(In, _stop.Token), _transports[1].RunAsync(Out, _stop.Token)];
        }

        public PortQueues In { get; }
        public PortQueues Out { get; }

        public Task UpAsync() => Eventually.TrueAsync(() => In.IsUp && Out.IsUp, "both ports up");

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _thread.Join();
            await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(10));
            foreach (AfPacketTransport transport in _transports)
            {
                await transport.DisposeAsync();
            }
            In.Dispose();
            Out.Dispose();
            _readiness.Dispose();
            _stop.Dispose();
        }
    }
}
