// The capture filter against tcpdump itself: a varied capture (ARP, IPv4 and IPv6 TCP/UDP/ICMP, fragments,
// IPv4 options, untagged, C-tagged, S-tagged and double-tagged, a runt, a packet cut short) is written
// with PcapNgWriter, and for each expression tcpdump (libpcap's BPF) and PacketFilter must pick exactly
// the same frames. Frame i is stamped i seconds after a base time, which is how tcpdump's lines are
// matched back to frames.
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Capture;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Capture;

public sealed partial class PacketFilterTcpdumpEquivalenceTests
{
    private const long BaseSeconds = 1_764_870_000;
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Icmp = 1;
    private const byte Icmpv6 = 58;
    private const byte Ipv6Fragment = 44;
    private const uint HostA = 0x0A000001;   // 10.0.0.1
    private const uint HostB = 0x0A000002;   // 10.0.0.2
    private const uint HostC = 0x0A000003;   // 10.0.0.3
    private static readonly byte[] Ipv6A = IPAddress.Parse("2001:db8::a").GetAddressBytes();
    private static readonly byte[] Ipv6B = IPAddress.Parse("2001:db8::b").GetAddressBytes();

    [GeneratedRegex(@"^(\d+)\.\d{6} ")]
    private static partial Regex TimestampAtLineStart();

    [Theory(Timeout = 60_000)]
    [InlineData("host 10.0.0.1")]
    [InlineData("src host 10.0.0.2")]
    [InlineData("dst host 10.0.0.3")]
    [InlineData("host 10.0.0.1 or 10.0.0.3")]
    [InlineData("host 2001:db8::a")]
    [InlineData("ip6 dst host 2001:db8::b")]
    [InlineData("ether host 02:00:00:00:00:0a")]
    [InlineData("ether src 02:00:00:00:00:0b")]
    [InlineData("ether dst ff:ff:ff:ff:ff:ff")]
    [InlineData("vlan")]
    [InlineData("vlan 100")]
    [InlineData("vlan and ip")]
    [InlineData("vlan 100 and tcp")]
    [InlineData("vlan or ip")]
    [InlineData("vlan 10 and vlan 20 and udp")]
    [InlineData("icmp and not vlan")]
    [InlineData("vlan 200 and ip6 and not tcp")]
    [InlineData("port 53")]
    [InlineData("src port 1000")]
    [InlineData("dst port 80")]
    [InlineData("udp port 7777")]
    [InlineData("not port 80")]
    [InlineData("tcp port 80 or 443 and not 22")]
    [InlineData("tcp")]
    [InlineData("udp")]
    [InlineData("icmp")]
    [InlineData("icmp6")]
    [InlineData("arp")]
    [InlineData("ip")]
    [InlineData("ip6")]
    [InlineData("not tcp and not udp")]
    [InlineData("tcp or udp and port 53")]
    [InlineData("(tcp or udp) and not vlan")]
    [InlineData("! ip6 || arp && ether src 02:00:00:00:00:0c")]
    public async Task PicksExactlyTheFramesTcpdumpPicks(string expression)
    {
        List<byte[]> frames = VariedFrames();
        using ScratchDirectory scratch = ScratchDirectory.Create();
        string path = scratch.File("varied.pcapng");
        await using (var file = File.Create(path))
        {
            var writer = new PcapNgWriter(file, flushEveryBlock: false);
            int port = writer.AddInterface("p1");
            for (int i = 0; i < frames.Count; i++)
            {
                writer.WriteFrame(port, (BaseSeconds + i) * 1_000_000_000, frames[i], CaptureDirection.Inbound);
            }
        }

        ProcessRunner.Result tcpdump = await ProcessRunner.RunAsync("tcpdump", ["-r", path, "-nn", "-tt", "-q", expression]);
        var byTcpdump = new SortedSet<int>();
        foreach (string line in tcpdump.Output.Split('\n'))
        {
            Match match = TimestampAtLineStart().Match(line);
            if (match.Success)
            {
                byTcpdump.Add((int)(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) - BaseSeconds));
            }
        }

        PacketFilter filter = PacketFilterParser.Parse(expression);
        var byUs = new SortedSet<int>(Enumerable.Range(0, frames.Count).Where(i => filter.Matches(frames[i])));

        Assert.Equal(byTcpdump, byUs);
        // The capture is varied enough that every expression here separates it.
        Assert.NotEmpty(byTcpdump);
        Assert.NotEqual(frames.Count, byTcpdump.Count);
    }

    /// <summary>Every kind of packet, untagged, C-tagged (VID 100), S-tagged (VID 200) and double-tagged (10 then 20).</summary>
    private static List<byte[]> VariedFrames()
    {
        var frames = new List<byte[]>();
        foreach (Func<FrameBuilder, FrameBuilder> tagging in new Func<FrameBuilder, FrameBuilder>[]
        {
            b => b, b => b.Tag(100), b => b.ServiceTag(200), b => b.ServiceTag(10).Tag(20),
        })
        {
            FrameBuilder From(string source, string destination = "02:00:00:00:00:ee") =>
                tagging(new FrameBuilder().From(source).To(destination));

            frames.Add(From("02:00:00:00:00:0a").Ipv4(HostA, HostB, Tcp, Ports(1000, 80, 20)).Build());
            frames.Add(From("02:00:00:00:00:0a").Ipv4(HostA, HostB, Tcp, Ports(22, 443, 20)).Build());
            frames.Add(From("02:00:00:00:00:0b").Ipv4(HostB, HostC, Udp, Ports(53, 5353, 8)).Build());
            frames.Add(From("02:00:00:00:00:0c").Ipv4(HostC, HostA, Icmp, new byte[8]).Build());
            frames.Add(From("02:00:00:00:00:0a").Ipv6(Ipv6A, Ipv6B, Tcp, Ports(443, 2000, 20)).Build());
            frames.Add(From("02:00:00:00:00:0b").Ipv6(Ipv6B, Ipv6A, Udp, Ports(1000, 53, 8)).Build());
            frames.Add(From("02:00:00:00:00:0a").Ipv6(Ipv6A, Ipv6B, Icmpv6, new byte[8]).Build());
            frames.Add(From("02:00:00:00:00:0c", "ff:ff:ff:ff:ff:ff").ArpRequest(HostC, HostA).Build());
            // A later IPv4 fragment: its "ports" are payload, which `port` must not read.
            frames.Add(From("02:00:00:00:00:0b").Ipv4(HostB, HostA, Udp, Ports(7777, 7777, 8), fragment: 0x0010).Build());
            // An IPv6 fragment carrying ICMPv6.
            frames.Add(From("02:00:00:00:00:0a").Ipv6(Ipv6A, Ipv6B, Ipv6Fragment, [Icmpv6, 0, 0, 0, 0, 0, 0, 9, .. new byte[8]]).Build());
            frames.Add(WithIpv4Options(From("02:00:00:00:00:0b"), HostB, HostC, Ports(7777, 53, 8)));
            // TCP cut off before its ports: tcpdump's filter rejects it for `port`, even under `not`.
            frames.Add(From("02:00:00:00:00:0a").Ipv4(HostA, HostC, Tcp, Ports(80, 80, 20)).WithoutPadding().Build()[..^20]);
            frames.Add(From("02:00:00:00:00:0c").EtherType(0x88B5).Payload(new byte[46]).Build());
        }
        frames.Add([0x02, 0, 0, 0, 0, 0x0a, 0x02, 0, 0, 0, 0, 0x0b, 0x08]);   // a 13-byte runt
        return frames;
    }

    /// <summary>IPv4 with a 4-byte option (IHL 6): `port` must find the ports after it, not at 20 bytes in.</summary>
    private static byte[] WithIpv4Options(FrameBuilder builder, uint source, uint destination, byte[] transport)
    {
        byte[] frame = builder.Ipv4(source, destination, Udp, [0x01, 0x01, 0x01, 0x00, .. transport]).Build();
        int ip = new EthernetReader(frame).PayloadOffset;
        frame[ip] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(ip + 10), 0);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(ip + 10), FrameBuilder.Ipv4HeaderChecksum(frame.AsSpan(ip, 24)));
        return frame;
    }

    private static byte[] Ports(ushort source, ushort destination, int size)
    {
        byte[] header = new byte[size];
        BinaryPrimitives.WriteUInt16BigEndian(header, source);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), destination);
        if (size == 20)
        {
            header[12] = 0x50;   // TCP data offset: 5 words
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)size);   // UDP length
        }
        return header;
    }
}
