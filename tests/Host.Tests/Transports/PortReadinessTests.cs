// PortReadiness: the forwarding thread's one wait over every port and the management wake-up. Real
// packet rings on veth pairs (root): a ring with frames names its port, a drained one does not, a
// deleted interface reports an error; a wake from another thread ends a wait that has no timeout.
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class PortReadinessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The ports of a wait, copied out (the result is a ref struct valid until the next wait).</summary>
    private static (ReadyPort[] Ports, bool Woken) Wait(PortReadiness readiness, TimeSpan timeout)
    {
        ReadyWork work = readiness.WaitForWork(timeout);
        return (work.Ports.ToArray(), work.Woken);
    }

    [Fact]
    public void AWaitWithNothingToDoEndsIdleAtItsTimeout()
    {
        using PortReadiness readiness = PortReadiness.Create();
        Assert.True(readiness.WaitForWork(TimeSpan.FromMilliseconds(20)).IsIdle);
        Assert.True(readiness.WaitForWork(TimeSpan.Zero).IsIdle);
    }

    [Fact(Timeout = 60_000)]
    public async Task AWakeFromAnotherThreadEndsAWaitThatHasNoTimeout()
    {
        using PortReadiness readiness = PortReadiness.Create();
        using var waiting = new ManualResetEventSlim();
        Task<(ReadyPort[] Ports, bool Woken)> waiter = Task.Factory.StartNew(() =>
        {
            waiting.Set();
            return Wait(readiness, Timeout.InfiniteTimeSpan);
        }, TaskCreationOptions.LongRunning);
        waiting.Wait();
        await Task.Delay(50);   // most likely asleep in epoll_wait by now; if not, the wake is pending and ends it anyway

        readiness.Wake();

        (ReadyPort[] ports, bool woken) = await waiter.WaitAsync(Patience);
        Assert.True(woken);
        Assert.Empty(ports);
    }

    [Fact]
    public void WakesBeforeAWaitEndItAtOnceAndOnlyOnce()
    {
        using PortReadiness readiness = PortReadiness.Create();
        readiness.Wake();
        readiness.Wake();
        readiness.Wake();

        Assert.True(readiness.WaitForWork(Patience).Woken);
        Assert.True(readiness.WaitForWork(TimeSpan.FromMilliseconds(20)).IsIdle);
    }

    [Fact(Timeout = 120_000)]
    public async Task ARingWithFramesNamesItsPortAndOnlyUntilItIsRead()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair busy = await VethPair.CreateAsync(ns);
        await using VethPair quiet = await VethPair.CreateAsync(ns);
        using PacketRing busyRing = PacketRing.Open(busy.RootEnd, new PacketRingOptions());
        using PacketRing quietRing = PacketRing.Open(quiet.RootEnd, new PacketRingOptions());
        using PortReadiness readiness = PortReadiness.Create();
        Assert.True(readiness.TryWatch(busyRing.Descriptor, 3));
        Assert.True(readiness.TryWatch(quietRing.Descriptor, 7));
        Assert.True(readiness.WaitForWork(TimeSpan.FromMilliseconds(20)).IsIdle);

        int accepted = await RawSender.BroadcastAsync(ns.Name, busy.PeerEnd, 20, 60, Convert.ToHexStringLower(TestFrames.RandomMac()));

        (ReadyPort[] ports, bool woken) = Wait(readiness, Patience);
        Assert.False(woken);
        Assert.Equal([new ReadyPort(3, Error: false)], ports);
        var sink = new CountingSink();
        while (sink.Frames < accepted)
        {
            busyRing.Read(ref sink, 64);
            _ = Wait(readiness, TimeSpan.FromMilliseconds(50));   // the rest of a burst may still be on its way
        }
        Assert.Equal(accepted, sink.Frames);
        Assert.True(readiness.WaitForWork(TimeSpan.FromMilliseconds(50)).IsIdle);   // every slot given back: nothing to report
    }

    [Fact(Timeout = 120_000)]
    public async Task ARingWhoseInterfaceIsDeletedReportsAnErrorOfNetworkDown()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        using PacketRing ring = PacketRing.Open(veth.RootEnd, new PacketRingOptions());
        using PortReadiness readiness = PortReadiness.Create();
        Assert.True(readiness.TryWatch(ring.Descriptor, 0));

        await veth.DeleteAsync();

        (ReadyPort[] ports, _) = Wait(readiness, Patience);
        Assert.Equal([new ReadyPort(0, Error: true)], ports);
        Assert.Equal(LinuxNative.ENETDOWN, ring.TakeSocketError());
        readiness.Unwatch(ring.Descriptor);
        Assert.True(readiness.WaitForWork(TimeSpan.FromMilliseconds(20)).IsIdle);
    }

    private sealed class CountingSink : IRingFrameSink
    {
        public int Frames { get; private set; }

        public void Take(ReadOnlySpan<byte> frame)
        {
            if (frame.Length >= 14 && frame[12] == 0x88 && frame[13] == 0xB5)
            {
                Frames++;
            }
        }

        public void TakeTooBig(int size) => Assert.Fail($"a {size}-byte frame was too big for the ring");
    }
}
