// A burst from one VM through the vswitch's forwarding thread (the real ForwardingLoop, PortIo and
// VepaStage) out of an afpacket uplink on a veth: every frame reaches the far end once, in order, and
// the copies leave in batches (one Transmit hands many to the port, which sends a packet ring's with
// sendmmsg), not one send per copy. Needs root; the veth's far end is in the test's own namespace.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Hairpin.Bridge.Core.Frames;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Tests.RealPeers;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.RealPeer;

[Collection(RealPeerTestGroup.Name)]
public sealed partial class VepaUplinkBurstTests
{
    private const int BurstLength = 200;
    private const int ShortestFrame = 64;   // frame i is ShortestFrame + i bytes long: its length is its number

    [Fact(Timeout = 120_000)]
    public async Task ABurstFromOneVmLeavesTheAfPacketUplinkOnceEachInOrderAndInBatches()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair uplinkVeth = await VethPair.CreateAsync(ns);
        using var readiness = PortReadiness.Create();
        using var uplink = new PortQueues(VepaTables.UplinkName, 64, VepaSwitch.DefaultMaxFrameSize, readiness.Wake);
        using var vm = new PortQueues("vm1", 1024, VepaSwitch.DefaultMaxFrameSize, readiness.Wake);
        var vepa = new VepaSwitch([Vm("vm1", Mac1)]);
        var io = new PortIo(readiness, [uplink, vm]);
        var pool = new FramePool(VepaStage.PoolSize(2), VepaSwitch.DefaultMaxFrameSize);
        var stage = new TransmitRecorder(new VepaStage(vepa, uplink, [vm], pool), uplink);
        var loop = new ForwardingLoop(stage, io, pool, TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        loop.Start("test-vepa-forwarding", raisePriority: false, stop.Token);
        await using var transport = new AfPacketTransport(new AfPacketAttach(uplinkVeth.RootEnd));
        Task running = transport.RunAsync(uplink, stop.Token);
        vm.MarkUp();   // the VM's port is the test: its frames go straight into Inbound
        try
        {
            // A frame read from the uplink's ring proves the forwarding thread serves the device (copies
            // sent before that would go through PortQueues one by one).
            Assert.True(await Eventually.HoldsAsync(() => uplink.IsUp, 20_000), "the uplink did not come up");
            await ns.SendWithScapyAsync(uplinkVeth.PeerEnd, "Ether(dst='02:00:00:00:00:01', src='02:00:00:00:ff:01', type=0x88b6)/Raw(bytes(46))");
            Assert.True(await Eventually.HoldsAsync(() => vepa.Uplink.RxFrames == 1, 10_000), "the forwarding thread never read the uplink's ring");
            long sentBefore = uplink.Counters.TxFrames;

            using PacketCapture capture = await PacketCapture.StartAsync(ns, uplinkVeth.PeerEnd, "ether proto 0x88b5", seconds: 6);
            for (int i = 0; i < BurstLength; i++)
            {
                Assert.True(vm.Deliver(BurstFrame(i)), "the VM's inbound queue refused a frame");
            }
            vm.WakeForwarding();   // once for the burst, as a stream transport does
            string[] heard = await capture.FramesAsync();

            Assert.Equal(Enumerable.Range(0, BurstLength), heard.Where(IsFrameLine).Select(FrameNumber));
            Assert.Equal(BurstLength, uplink.Counters.TxFrames - sentBefore);
            Assert.Equal(0, uplink.Counters.TxDroppedTotal);
            Assert.Equal(BurstLength, vepa.Uplink.TxFrames);
            long[] batches = [.. stage.FramesPerTransmit];
            Assert.Equal(BurstLength, batches.Sum());
            Assert.True(batches.Length < BurstLength && batches.Max() > 1,
                $"the copies left one per Transmit: {string.Join(' ', batches)}");
        }
        finally
        {
            await stop.CancelAsync();
            await loop.Ended.WaitAsync(TimeSpan.FromSeconds(10));
            try
            {
                await running.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
                // Asked to stop: the transport's one way out.
            }
        }
    }

    /// <summary>Broadcast from VM 1's MAC, EtherType 0x88B5, <see cref="ShortestFrame"/> + <paramref name="number"/> bytes long.</summary>
    private static byte[] BurstFrame(int number)
    {
        byte[] frame = new byte[ShortestFrame + number];
        frame.AsSpan(0, 6).Fill(0xff);
        Mac1.Write(frame.AsSpan(6, 6));
        frame[12] = 0x88;
        frame[13] = 0xB5;
        return frame;
    }

    /// <summary>tcpdump's line for a frame, not one of the hex lines that follow it for an EtherType it does not know.</summary>
    private static bool IsFrameLine(string line) => !char.IsWhiteSpace(line[0]);

    /// <summary>The number of a burst frame from tcpdump's line for it (its length).</summary>
    private static int FrameNumber(string line)
    {
        Match length = LengthField().Match(line);
        Assert.True(length.Success, $"not a frame line: {line}");
        return int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture) - ShortestFrame;
    }

    [GeneratedRegex(@"length (\d+):")]
    private static partial Regex LengthField();

    /// <summary>The vswitch's stage, with the frames each Transmit call handed to the uplink recorded (forwarding thread only writes).</summary>
    private sealed class TransmitRecorder(IForwardingStage stage, PortQueues uplink) : IForwardingStage
    {
        public ConcurrentQueue<long> FramesPerTransmit { get; } = new();

        public bool IsStopping => stage.IsStopping;

        public void Process(Span<FrameBuffer> batch) => stage.Process(batch);

        public bool Transmit(PortIo io)
        {
            long before = uplink.Counters.TxFrames;
            bool backlog = stage.Transmit(io);
            long sent = uplink.Counters.TxFrames - before;
            if (sent > 0)
            {
                FramesPerTransmit.Enqueue(sent);
            }
            return backlog;
        }

        public bool ServeControl() => stage.ServeControl();

        public TimeSpan UntilNextTimer() => stage.UntilNextTimer();

        public void BeginStop() => stage.BeginStop();

        public void Stopped() => stage.Stopped();
    }
}
