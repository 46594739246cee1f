// A ring that keeps giving frames leaves the forwarding thread's epoll set (so the kernel stops running
// epoll's wake-up callback for every frame it writes), and comes back once a gather finds it empty or
// before the thread sleeps: a sleeping thread still wakes for its next frame, and a port whose
// interface vanished while it was busy still goes down. Driven by hand, turn by turn, through PortIo,
// with a real ring on a veth. Needs root.
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class BusyRingEpollTests
{
    private const int BusyTurns = 4;   // PortIo.BusyRingTurns

    [Fact(Timeout = 120_000)]
    public async Task ABusyRingLeavesTheEpollSetAndComesBackWhenFoundEmpty()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await using var io = await HandTurnedPort.OpenAsync(veth.RootEnd);
        await HandTurnedPort.SendAsync(ns, veth.PeerEnd, 100);

        for (int turn = 0; turn < BusyTurns; turn++)
        {
            Assert.Equal(1, io.GatherOne());   // a batch of one: the ring is never found empty
        }
        Assert.True(io.Readiness.WaitForWork(TimeSpan.Zero).Ports.IsEmpty, "a busy ring is not reported by epoll, though it holds frames");

        Assert.Equal(100 - BusyTurns, io.GatherAll());
        Assert.Equal(0, io.GatherAll());   // found empty: back in the set
        await HandTurnedPort.SendAsync(ns, veth.PeerEnd, 1);
        Assert.Equal(1, io.Readiness.WaitForWork(TimeSpan.FromSeconds(5)).Ports.Length);
        Assert.Equal(1, io.GatherAll());
        Assert.Equal(101, io.Queues.Counters.RxFrames);
    }

    [Fact(Timeout = 120_000)]
    public async Task ASleepEndsAtOnceWhenABusyRingStillHoldsFrames()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await using var io = await HandTurnedPort.OpenAsync(veth.RootEnd);
        await HandTurnedPort.SendAsync(ns, veth.PeerEnd, 40);
        for (int turn = 0; turn < BusyTurns; turn++)
        {
            Assert.Equal(1, io.GatherOne());
        }
        Assert.True(io.Readiness.WaitForWork(TimeSpan.Zero).Ports.IsEmpty, "left the set");

        var slept = System.Diagnostics.Stopwatch.StartNew();
        io.Io.Wait(TimeSpan.FromSeconds(10));   // back in the set first: epoll reports what it holds
        Assert.True(slept.Elapsed < TimeSpan.FromSeconds(5), $"the wait ended at once (took {slept.Elapsed})");
        Assert.Equal(40 - BusyTurns, io.GatherAll());
    }

    [Fact(Timeout = 120_000)]
    public async Task ABusyRingWhoseInterfaceVanishesIsLetGo()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await using var io = await HandTurnedPort.OpenAsync(veth.RootEnd);
        await HandTurnedPort.SendAsync(ns, veth.PeerEnd, 40);
        for (int turn = 0; turn < BusyTurns; turn++)
        {
            Assert.Equal(1, io.GatherOne());
        }

        await veth.DeleteAsync();
        Assert.Equal(40 - BusyTurns, io.GatherAll());   // what it held is still read
        for (int turn = 0; turn < 10 && !io.Served.IsCompleted; turn++)
        {
            io.Io.Wait(TimeSpan.FromMilliseconds(200));   // back in the set: epoll reports the error
            io.GatherAll();
        }
        Assert.True(io.Served.IsCompleted, "the device let go once its interface was gone");
        Assert.Contains("went down or was removed", await io.Served, StringComparison.Ordinal);
    }

    /// <summary>One afpacket ring port served by a PortIo that the test turns by hand (no forwarding thread).</summary>
    private sealed class HandTurnedPort : IAsyncDisposable
    {
        private readonly FramePool _pool = new(512);
        private readonly CancellationTokenSource _stop = new();

        private HandTurnedPort()
        {
            Readiness = PortReadiness.Create();
            Queues = new PortQueues("p", 64, 2048, Readiness.Wake);
            Io = new PortIo(Readiness, [Queues]);
        }

        public PortReadiness Readiness { get; }

        public PortQueues Queues { get; }

        public PortIo Io { get; }

        /// <summary>Ends with the reason the device was let go.</summary>
        public Task<string> Served { get; private set; } = Task.FromResult("");

        public static Task<HandTurnedPort> OpenAsync(string interfaceName)
        {
            var port = new HandTurnedPort();
            PacketRingDevice device = PacketRingDevice.Open(interfaceName, new PacketRingOptions(FrameCount: 256));
            port.Served = ((IDeviceHost)port.Io).ServeUntilGoneAsync(device, port.Queues, port._stop.Token)
                .ContinueWith(served => { device.Dispose(); return served.Result; }, TaskScheduler.Default);
            port.Io.ServeHandOvers();   // the hand-over was posted before ServeUntilGoneAsync first awaited
            Assert.False(port.Served.IsCompleted, "the device is served");
            return Task.FromResult(port);
        }

        /// <summary>Sends <paramref name="count"/> frames into the ring and waits until the kernel has written them all.</summary>
        public static async Task SendAsync(NetNamespace ns, string peer, int count)
        {
            Assert.Equal(count, await RawSender.BroadcastAsync(ns.Name, peer, count, 60, "020000000077"));
            await Task.Delay(200);
        }

        public int GatherOne() => Gather(1);

        public int GatherAll()
        {
            int total = 0;
            int taken;
            while ((taken = Gather(64)) > 0)
            {
                total += taken;
            }
            return total;
        }

        public async ValueTask DisposeAsync()
        {
            Io.Close();
            await _stop.CancelAsync();
            _stop.Dispose();
            Queues.Dispose();
            Readiness.Dispose();
        }

        private int Gather(int size)
        {
            var batch = new FrameBuffer[size];
            int gathered = Io.Gather(_pool, batch);
            for (int i = 0; i < gathered; i++)
            {
                _pool.Release(batch[i]);
            }
            return gathered;
        }
    }
}
