// The data templates Hairpin exports flows with (RFC 7011 section 3.4.1): one for IPv4 and non-IP
// flows (their addresses 0.0.0.0), one for IPv6. The field order here is the order
// IpfixMessageWriter writes each record in; the encoder tests hold the two together byte for byte.
using static Hairpin.Host.Flows.IpfixElements;

namespace Hairpin.Host.Flows;

internal readonly record struct IpfixField(ushort Element, ushort Length, uint Enterprise = 0);

internal static class IpfixTemplates
{
    public const ushort Ipv4TemplateId = 256;
    public const ushort Ipv6TemplateId = 257;

    public static readonly IpfixField[] Ipv4 = Fields(addressLength: 4, SourceIPv4Address, DestinationIPv4Address);
    public static readonly IpfixField[] Ipv6 = Fields(addressLength: 16, SourceIPv6Address, DestinationIPv6Address);

    private static IpfixField[] Fields(ushort addressLength, ushort source, ushort destination) =>
    [
        new(FlowStartMilliseconds, 8),
        new(FlowEndMilliseconds, 8),
        new(PacketDeltaCount, 8),
        new(OctetDeltaCount, 8),
        new(Layer2OctetDeltaCount, 8),
        new(SourceMacAddress, 6),
        new(DestinationMacAddress, 6),
        new(EthernetType, 2),
        new(VlanId, 2),
        new(IngressInterface, 4),
        new(EgressInterface, 4),
        new(source, addressLength),
        new(destination, addressLength),
        new(ProtocolIdentifier, 1),
        new(SourceTransportPort, 2),
        new(DestinationTransportPort, 2),
        new(TcpControlBits, 2),
        new(IpfixElements.ForwardingStatus, 1),
        new(FlowEndReason, 1),
        new(HairpinDropReason, 1, HairpinEnterprise),
        new(VirtualStationInterfaceName, VariableLength),
    ];
}
