// The fast flow-key path must agree with the general classifier on every frame it accepts, and must
// accept the common frames (or it is dead code). Frames are random mutations of real TCP and UDP.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tests.Acl;

public sealed class FastFlowKeyTests
{
    private static FlowKey General(byte[] frame, int vid, int port)
    {
        Assert.Equal(HeaderCheck.Ok, PacketClassifier.Classify(frame, out PacketSummary summary));
        return FlowFields.From(summary, MacAddress.Read(frame.AsSpan(6)), MacAddress.Read(frame), vid, port);
    }

    private static byte[] Tcp(uint source, uint destination, ushort sourcePort, ushort destinationPort, byte flags, int dscp)
    {
        byte[] frame = new FrameBuilder().Ipv4Udp(source, destination, sourcePort, destinationPort, payloadSize: 12 + 6, dscp: dscp).Build();
        frame[14 + 9] = 6;                       // now TCP: 20-byte header in place of UDP's 8 + 12 payload bytes
        frame[14 + 20 + 12] = 5 << 4;            // data offset 5 words
        frame[14 + 20 + 13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 10), 0);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 10), FrameBuilder.Ipv4HeaderChecksum(frame.AsSpan(14, 20)));
        return frame;
    }

    [Fact]
    public void AgreesWithTheGeneralClassifierOnEveryFrameItAccepts()
    {
        var random = new Random(20261121);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            uint source = (uint)random.Next();
            uint destination = (uint)random.Next();
            byte[] frame = random.Next(2) == 0
                ? new FrameBuilder().From(new MacAddress((ulong)random.NextInt64(1L << 40) << 1)).To(new MacAddress((ulong)random.NextInt64(1L << 47)))
                    .Ipv4Udp(source, destination, (ushort)random.Next(65536), (ushort)random.Next(65536), random.Next(0, 40), random.Next(64)).Build()
                : Tcp(source, destination, (ushort)random.Next(65536), (ushort)random.Next(65536), (byte)random.Next(256), random.Next(64));
            if (random.Next(3) == 0)
            {
                frame = [.. frame[..12], 0x81, 0x00, (byte)random.Next(256), (byte)random.Next(256), .. frame[12..]];
            }
            for (int flips = random.Next(4); flips > 0; flips--)
            {
                frame[random.Next(12, Math.Min(frame.Length, 60))] = (byte)random.Next(256);   // headers, not MACs
            }
            if (random.Next(5) == 0)
            {
                frame = frame[..random.Next(14, frame.Length)];
            }
            int vid = random.Next(1, 4095);
            int port = random.Next(64);
            if (FastFlowKey.TryBuild(frame, vid, port, out FlowKey fast))
            {
                accepted++;
                Assert.True(General(frame, vid, port) == fast, $"keys differ for frame {Convert.ToHexString(frame)}");
            }
        }
        Assert.InRange(accepted, 5_000, 20_000);
    }

    [Fact]
    public void TakesTheCommonFramesAndLeavesTheRestToTheClassifier()
    {
        Assert.True(FastFlowKey.TryBuild(new FrameBuilder().Ipv4Udp(1, 2, 3, 4).Build(), 1, 0, out _));
        Assert.True(FastFlowKey.TryBuild(new FrameBuilder().Tag(10, pcp: 5).Ipv4Udp(1, 2, 3, 4).Build(), 10, 0, out _));
        Assert.True(FastFlowKey.TryBuild(Tcp(1, 2, 3, 4, TcpFlags.Ack, 0), 1, 0, out _));
        Assert.False(FastFlowKey.TryBuild(new FrameBuilder().ArpRequest(1, 2).Build(), 1, 0, out _));
        Assert.False(FastFlowKey.TryBuild(new FrameBuilder().ServiceTag(20).Tag(10).Ipv4Udp(1, 2, 3, 4).Build(), 10, 0, out _));
    }
}
