// The IPFIX encoder against messages computed by hand from RFC 7011 (message header section 3.1,
// set header 3.3.2, template record 3.4.1, enterprise field specifier 3.2, variable-length field 7)
// and the IANA numbers in specs/flow-export.md: the template set byte for byte, data records of
// both templates byte for byte, sequence numbers, and records that do not fit starting a new message.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Flows;

namespace Hairpin.Host.Tests.Flows;

public sealed class IpfixMessageWriterTests
{
    private const long Epoch = 1_700_000_000_000;   // the timeline's anchor: tick 0 is this Unix millisecond
    private static readonly FlowTimeline Timeline = new(AnchorTicks: 0, AnchorUnixMilliseconds: Epoch, TicksPerSecond: 1000);

    private static string Hex(string spaced) => spaced.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);

    // Template ID, field count, then (IE, length) per field; Hairpin's drop reason has the enterprise
    // bit and PEN 32473 (0x7ed9); virtualStationInterfaceName is variable length (65535).
    private static string TemplateRecord(string id, string sourceAddress, string destinationAddress) =>
        id + " 0015" +
        " 0098 0008 0099 0008 0002 0008 0001 0008 0160 0008" +   // flowStart/EndMilliseconds, packets, octets, layer2 octets
        " 0038 0006 0050 0006 0100 0002 003a 0002" +             // source MAC, destination MAC, ethernetType, vlanId
        " 000a 0004 000e 0004" + sourceAddress + destinationAddress +   // ingress, egress interface, addresses
        " 0004 0001 0007 0002 000b 0002 0006 0002" +             // protocol, ports, tcpControlBits
        " 0059 0001 0088 0001 8001 0001 00007ed9 015c ffff";     // forwardingStatus, flowEndReason, drop reason, VSI name

    [Fact]
    public void TheTemplateSetIsByteForByteTheHandComputedOne()
    {
        var writer = new IpfixMessageWriter(Timeline);

        writer.Begin(exportSeconds: 0x6500_0000, sequence: 0, observationDomain: 7);
        writer.AddTemplates();
        byte[] message = writer.Finish().ToArray();

        string expected =
            "000a 00cc 65000000 00000000 00000007" +   // version 10, length 204, export time, sequence, domain
            " 0002 00bc" +                              // template set, 188 bytes
            " " + TemplateRecord("0100", " 0008 0004", " 000c 0004") +
            " " + TemplateRecord("0101", " 001b 0010", " 001c 0010");
        Assert.Equal(Hex(expected), Convert.ToHexStringLower(message));
        Assert.Equal(0, writer.Records);
    }

    private static FlowRecord DroppedIpv4 => new()
    {
        SourceMac = MacAddress.Parse("52:54:00:00:00:0a"),
        DestinationMac = MacAddress.Parse("52:54:00:00:00:0b"),
        EtherType = EtherTypes.IPv4,
        Vid = 10,
        IngressPort = 1,
        IpVersion = 4,
        SourceIp = 0xC0A8_000A,
        DestinationIp = 0xC0A8_000B,
        IpProtocol = 17,
        SourcePort = 5000,
        DestinationPort = 53,
        Packets = 3,
        Bytes = 384,
        Layer2Bytes = 426,
        FirstTimestamp = 1000,
        LastTimestamp = 3500,
        Fate = DispositionKind.Dropped,
        DropReason = DropReason.AclDenied,
        Vsi = "vm-a",
        EndReason = FlowEndReason.IdleTimeout,
    };

    private static FlowRecord ForwardedIpv6 => new()
    {
        SourceMac = MacAddress.Parse("52:54:00:00:00:0c"),
        DestinationMac = MacAddress.Parse("33:33:00:00:00:01"),
        EtherType = EtherTypes.IPv6,
        Vid = 1,
        IngressPort = 0,
        EgressPorts = 1UL << 3,
        IpVersion = 6,
        SourceIp = UInt128.Parse("42540766411282592856903984951653826570", System.Globalization.CultureInfo.InvariantCulture),   // 2001:db8::a
        DestinationIp = UInt128.Parse("42540766411282592856903984951653826571", System.Globalization.CultureInfo.InvariantCulture),
        IpProtocol = 58,
        DestinationPort = 0x8000,   // echo request: type 128, code 0
        Packets = 2,
        Bytes = 208,
        Layer2Bytes = 236,
        FirstTimestamp = 2000,
        LastTimestamp = 2000,
        Fate = DispositionKind.Forwarded,
        EndReason = FlowEndReason.ForcedEnd,
    };

    [Fact]
    public void DataRecordsOfBothTemplatesAreByteForByteTheHandComputedOnes()
    {
        var writer = new IpfixMessageWriter(Timeline);

        writer.Begin(exportSeconds: 0x6500_0000, sequence: 42, observationDomain: 7);
        Assert.True(writer.TryAdd(DroppedIpv4));
        Assert.True(writer.TryAdd(ForwardedIpv6));
        byte[] message = writer.Finish().ToArray();

        string expected =
            "000a 00da 65000000 0000002a 00000007" +                          // 218 bytes, sequence 42
            " 0100 005b" +                                                    // data set of template 256, 91 bytes
            " 0000018bcfe56be8 0000018bcfe575ac" +                           // Epoch + 1000 ms, Epoch + 3500 ms
            " 0000000000000003 0000000000000180 00000000000001aa" +          // 3 packets, 384 octets, 426 layer-2 octets
            " 52540000000a 52540000000b 0800 000a" +                         // MACs, IPv4, VLAN 10
            " 00000002 00000000" +                                            // in by port index 1 (interface 2), out nowhere
            " c0a8000a c0a8000b 11 1388 0035 0000" +                          // 192.168.0.10 -> .11, UDP 5000 -> 53, no TCP flags
            " 81 01 13 04 766d2d61" +                                         // dropped: ACL deny; idle timeout; acl-denied (19); "vm-a"
            " 0101 006f" +                                                    // data set of template 257, 111 bytes
            " 0000018bcfe56fd0 0000018bcfe56fd0" +
            " 0000000000000002 00000000000000d0 00000000000000ec" +
            " 52540000000c 333300000001 86dd 0001" +
            " 00000001 00000004" +                                            // in by port 0 (interface 1), out by port 3 (interface 4)
            " 20010db800000000000000000000000a" +                           // 2001:db8::a -> 2001:db8::b
            " 20010db800000000000000000000000b" +
            " 3a 0000 8000 0000" +                                            // ICMPv6 echo request as type x 256 + code
            " 40 04 00 00";                                                   // forwarded; forced end; no drop; no VSI (length 0)
        Assert.Equal(Hex(expected), Convert.ToHexStringLower(message));
        Assert.Equal(2, writer.Records);
    }

    [Fact]
    public void ARecordThatDoesNotFitIsRefusedAndTheMessageStaysWithinItsSize()
    {
        var writer = new IpfixMessageWriter(Timeline);
        writer.Begin(exportSeconds: 1, sequence: 0, observationDomain: 1);

        int added = 0;
        while (writer.TryAdd(DroppedIpv4))
        {
            added++;
        }
        int length = writer.Finish().Length;

        Assert.Equal((IpfixMessageWriter.MaxMessageSize - 16 - 4) / 87, added);
        Assert.Equal(16 + 4 + (added * 87), length);
        Assert.True(length <= IpfixMessageWriter.MaxMessageSize);
    }

    [Fact]
    public void AFloodedFlowHasNoSingleEgressInterface()
    {
        Assert.Equal(0u, IpfixMessageWriter.EgressInterfaceOf(0b0110));
        Assert.Equal(0u, IpfixMessageWriter.EgressInterfaceOf(0));
        Assert.Equal(3u, IpfixMessageWriter.EgressInterfaceOf(0b0100));
    }

    [Fact]
    public void AVsiNameTooLongForOneLengthByteIsCutAt254Bytes()
    {
        var writer = new IpfixMessageWriter(Timeline);
        writer.Begin(exportSeconds: 1, sequence: 0, observationDomain: 1);

        Assert.True(writer.TryAdd(DroppedIpv4 with { Vsi = new string('v', 300) }));
        byte[] message = writer.Finish().ToArray();

        Assert.Equal(16 + 4 + 83 + 254, message.Length);
        Assert.Equal(254, message[16 + 4 + 82]);
    }
}
