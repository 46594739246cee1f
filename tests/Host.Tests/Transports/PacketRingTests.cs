// PacketRing (TPACKET_V2 receive ring) and PacketBatchSender (sendmmsg) on real veth pairs: frames sent
// into the veth from a namespace are read from the ring once each, in order, byte for byte, tags put
// back; frames the ring had no room for are counted by the kernel's statistics; batched sends leave
// in order. Needs root.
using System.Buffers.Binary;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class PacketRingTests
{
    private const ushort TestEtherType = 0x88B5;

    /// <summary>Sends the frames (hex) in order out of an interface, from one CPU so the veth cannot reorder them across backlogs.</summary>
    private const string ExactSender = """
        import socket, sys
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((sys.argv[1], 0))
        for frame in sys.argv[2:]:
            s.send(bytes.fromhex(frame))
        """;

    private static async Task SendFromNamespaceAsync(NetNamespace ns, string interfaceName, IEnumerable<byte[]> frames) =>
        await ns.ExecAsync(["taskset", "-c", "0", "/usr/bin/python3", "-c", ExactSender, interfaceName, .. frames.Select(Convert.ToHexStringLower)],
            timeout: TimeSpan.FromSeconds(60));

    /// <summary>The test's own frames (EtherType 0x88B5 after any tags) among whatever else the ring hands on.</summary>
    private static bool IsTestFrame(ReadOnlySpan<byte> frame)
    {
        int offset = 12;
        while (frame.Length >= offset + 2 && BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]) is 0x8100 or 0x88A8)
        {
            offset += 4;
        }
        return frame.Length >= offset + 2 && BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]) == TestEtherType;
    }

    private static byte[] Numbered(byte[] source, int number, int size = 60)
    {
        byte[] frame = TestFrames.Marked(source, $"ring-{number:D5}", size);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(size - 4), number);
        return frame;
    }

    private static byte[] Tagged(byte[] frame, ushort tpid, ushort tci)
    {
        byte[] tagged = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), tpid);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), tci);
        frame.AsSpan(12).CopyTo(tagged.AsSpan(16));
        return tagged;
    }

    /// <summary>Reads the ring (waiting in poll between reads) until <paramref name="count"/> test frames came, or fails at the deadline.</summary>
    private static List<byte[]> ReadTestFrames(PacketRing ring, int count, TimeSpan? timeout = null)
    {
        var sink = new CollectingSink();
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (sink.Frames.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out with {sink.Frames.Count} of {count} frames read from the ring");
            WaitReadable(ring.Descriptor, 50);
            ring.Read(ref sink, 64);
        }
        return sink.Frames;
    }

    private static void WaitReadable(int fd, int milliseconds)
    {
        var descriptor = new LinuxNative.PollDescriptor { Descriptor = fd, Events = LinuxNative.POLLIN };
        _ = LinuxNative.poll(ref descriptor, 1, milliseconds);
    }

    [Fact(Timeout = 120_000)]
    public async Task FramesSentIntoTheVethAreReadOnceInOrderWithTheirBytes()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        using PacketRing ring = PacketRing.Open(veth.RootEnd, new PacketRingOptions());
        byte[] source = TestFrames.RandomMac();
        byte[][] sent = [.. Enumerable.Range(0, 300).Select(i => Numbered(source, i, size: 60 + (i % 7 * 100)))];

        await SendFromNamespaceAsync(ns, veth.PeerEnd, sent);

        List<byte[]> read = ReadTestFrames(ring, sent.Length);
        Assert.Equal(sent.Length, read.Count);
        for (int i = 0; i < sent.Length; i++)
        {
            Assert.Equal(sent[i], read[i]);
        }
        await Task.Delay(200);   // anything read twice would show up now
        var late = new CollectingSink();
        ring.Read(ref late, 1000);
        Assert.Empty(late.Frames);
        Assert.Equal(0, ring.TakeKernelDrops());
    }

    [Fact(Timeout = 120_000)]
    public async Task TaggedFramesKeepTheTagTheKernelTookOff()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        using PacketRing ring = PacketRing.Open(veth.RootEnd, new PacketRingOptions());
        byte[] source = TestFrames.RandomMac();
        byte[][] sent =
        [
            Numbered(source, 1),
            Tagged(Numbered(source, 2), 0x8100, (5 << 13) | 123),
            Tagged(Tagged(Numbered(source, 3), 0x8100, 123), 0x88A8, 200),
            Tagged(Numbered(source, 4, size: 1400), 0x8100, 0),   // priority-tagged, and long
        ];

        await SendFromNamespaceAsync(ns, veth.PeerEnd, sent);

        List<byte[]> read = ReadTestFrames(ring, sent.Length);
        Assert.Equal(sent, read);
        Assert.Equal(0x8100, BinaryPrimitives.ReadUInt16BigEndian(read[1].AsSpan(12)));
        Assert.Equal(0x88A8, BinaryPrimitives.ReadUInt16BigEndian(read[2].AsSpan(12)));
    }

    [Fact(Timeout = 120_000)]
    public async Task FramesTheRingHadNoRoomForAreCountedAsKernelDrops()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        // Four slots: they fill at once while nobody reads.
        using PacketRing ring = PacketRing.Open(veth.RootEnd, new PacketRingOptions(FrameSize: 2048, FrameCount: 4, FramesPerBlock: 2));
        byte[] source = TestFrames.RandomMac();

        int accepted = await RawSender.BroadcastAsync(ns.Name, veth.PeerEnd, 2000, 60, Convert.ToHexStringLower(source));

        var sink = new CollectingSink();
        long drops = 0;
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (sink.Frames.Count + drops < accepted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{sink.Frames.Count} read + {drops} dropped of {accepted} sent");
            drops += ring.TakeKernelDrops();
            WaitReadable(ring.Descriptor, 50);
            ring.Read(ref sink, 64);
        }
        Assert.True(drops > 0, "the kernel dropped frames for the full ring");
        Assert.True(sink.Frames.Count > 0, "the ring held frames");
        Assert.Equal(accepted, sink.Frames.Count + drops);
        Assert.All(sink.Frames, f => Assert.Equal(source, f[6..12]));
    }

    [Fact(Timeout = 120_000)]
    public async Task BatchedSendsLeaveInOrderAndReachTheOtherEnd()
    {
        string left = NetNamespace.UniqueName("hprl");
        string right = NetNamespace.UniqueName("hprr");
        await ProcessRunner.RunAsync("ip", ["link", "add", left, "type", "veth", "peer", "name", right]);
        try
        {
            foreach (string end in (string[])[left, right])
            {
                await ProcessRunner.RunAsync("sysctl", ["-q", "-w", $"net.ipv6.conf.{end}.disable_ipv6=1"]);
                await ProcessRunner.RunAsync("ip", ["link", "set", end, "up"]);
            }
            using PacketRing sending = PacketRing.Open(left, new PacketRingOptions());
            using PacketRing receiving = PacketRing.Open(right, new PacketRingOptions());
            var sender = new PacketBatchSender(sending.Descriptor, capacity: 16);
            byte[] source = TestFrames.RandomMac();
            byte[][] frames = [.. Enumerable.Range(0, 100).Select(i => Numbered(source, i, size: 60 + (i % 5 * 300)))];
            byte[] jumbo = Numbered(source, 100, size: 3000);   // larger than a slot, larger than the MTU: refused alone

            SendOutcome outcome = default;
            foreach (byte[] frame in frames)
            {
                outcome += sender.Add(frame);
            }
            outcome += sender.Add(jumbo);
            outcome += sender.Add(new byte[10]);   // a runt is refused without a syscall
            outcome += sender.Flush();

            Assert.Equal(new SendOutcome(frames.Length, 2, Gone: false), outcome);
            Assert.Equal(0, sender.Queued);
            List<byte[]> read = ReadTestFrames(receiving, frames.Length);
            Assert.Equal(frames, read);
            var echo = new CollectingSink();
            sending.Read(ref echo, 1000);
            Assert.Empty(echo.Frames);   // our own transmissions do not come back on the sending ring
        }
        finally
        {
            await ProcessRunner.RunAsync("ip", ["link", "del", left], check: false);
        }
    }

    private sealed class CollectingSink : IRingFrameSink
    {
        public List<byte[]> Frames { get; } = [];
        public List<int> TooBig { get; } = [];

        public void Take(ReadOnlySpan<byte> frame)
        {
            if (IsTestFrame(frame))
            {
                Frames.Add(frame.ToArray());
            }
        }

        public void TakeTooBig(int size) => TooBig.Add(size);
    }
}
