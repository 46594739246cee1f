// DSCP remarking must leave a packet a receiver accepts: the IPv4 header checksum still verifies and
// the ECN bits are untouched.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tests.Qos;

public sealed class DscpRewriterTests
{
    private const int IpOffset = 14;

    private static bool ChecksumVerifies(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return sum == 0xFFFF;
    }

    [Fact]
    public void EveryDscpOverEveryDscpKeepsTheIpv4ChecksumValidAndTheEcnBits()
    {
        for (int from = 0; from < 64; from++)
        {
            for (int to = 0; to < 64; to++)
            {
                byte[] frame = new FrameBuilder().Ipv4Udp(0xC0A80001, 0xC0A80002 + (uint)to, 1000, 2000, dscp: from, ecn: to & 3).Build();
                Assert.True(DscpRewriter.TryRewrite(frame, to));
                Assert.Equal(to, frame[IpOffset + 1] >> 2);
                Assert.Equal(to & 3, frame[IpOffset + 1] & 3);
                Assert.True(ChecksumVerifies(frame.AsSpan(IpOffset)), $"checksum broken rewriting DSCP {from} to {to}");
                Assert.Equal(to, DscpRewriter.Read(frame));
            }
        }
    }

    [Fact]
    public void ATaggedFrameIsRewrittenBehindItsTag()
    {
        byte[] frame = new FrameBuilder().Tag(10, pcp: 3).Ipv4Udp(1, 2, 3, 4).Build();
        Assert.True(DscpRewriter.TryRewrite(frame, 46));
        Assert.Equal(46, DscpRewriter.Read(frame));
        Assert.True(ChecksumVerifies(frame.AsSpan(IpOffset + 4)));
    }

    [Fact]
    public void Ipv6KeepsVersionEcnAndFlowLabel()
    {
        var ip = new byte[40];
        BinaryPrimitives.WriteUInt32BigEndian(ip, 0x6_00_12345u | (0b01u << 20));   // version 6, ECN 01, flow label 0x12345
        byte[] frame = new FrameBuilder().EtherType(EtherTypes.IPv6).Payload(ip).Build();
        Assert.True(DscpRewriter.TryRewrite(frame, 34));
        uint first = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(IpOffset));
        Assert.Equal(6u, first >> 28);
        Assert.Equal(34u, (first >> 22) & 0x3F);
        Assert.Equal(0b01u, (first >> 20) & 3);
        Assert.Equal(0x12345u, first & 0xFFFFF);
    }

    [Fact]
    public void NonIpAndTruncatedFramesAreLeftAlone()
    {
        byte[] arp = new FrameBuilder().ArpRequest(1, 2).Build();
        byte[] before = [.. arp];
        Assert.False(DscpRewriter.TryRewrite(arp, 46));
        Assert.Equal(before, arp);
        byte[] truncated = new FrameBuilder().Ipv4Udp(1, 2, 3, 4).WithoutPadding().Build()[..(IpOffset + 12)];
        Assert.False(DscpRewriter.TryRewrite(truncated, 46));
        Assert.Equal(-1, DscpRewriter.Read(truncated));
    }
}
