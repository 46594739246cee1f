// The IPFIX information elements Hairpin exports (IANA's registry, RFC 7012 and the RFCs that added
// them), by number. One place, so the templates and the tests name them alike.
namespace Hairpin.Host.Flows;

internal static class IpfixElements
{
    public const ushort OctetDeltaCount = 1;
    public const ushort PacketDeltaCount = 2;
    public const ushort ProtocolIdentifier = 4;
    public const ushort TcpControlBits = 6;
    public const ushort SourceTransportPort = 7;
    public const ushort SourceIPv4Address = 8;
    public const ushort IngressInterface = 10;
    public const ushort DestinationTransportPort = 11;
    public const ushort DestinationIPv4Address = 12;
    public const ushort EgressInterface = 14;
    public const ushort SourceIPv6Address = 27;
    public const ushort DestinationIPv6Address = 28;
    public const ushort SourceMacAddress = 56;
    public const ushort VlanId = 58;
    public const ushort DestinationMacAddress = 80;
    public const ushort ForwardingStatus = 89;
    public const ushort FlowEndReason = 136;
    public const ushort FlowStartMilliseconds = 152;
    public const ushort FlowEndMilliseconds = 153;
    public const ushort EthernetType = 256;
    public const ushort VirtualStationInterfaceName = 348;
    public const ushort Layer2OctetDeltaCount = 352;

    /// <summary>
    /// Hairpin's own element: the engine's drop reason (DropReason's number, specs/flow-export.md), which
    /// RFC 7270's forwardingStatus can only say coarsely. Enterprise-specific, under
    /// <see cref="HairpinEnterprise"/>.
    /// </summary>
    public const ushort HairpinDropReason = 1;

    /// <summary>
    /// The enterprise number of <see cref="HairpinDropReason"/>: 32473, which RFC 5612 sets aside for
    /// documentation and examples, until Hairpin has a Private Enterprise Number of its own.
    /// </summary>
    public const uint HairpinEnterprise = 32473;

    /// <summary>The length a template gives a variable-length field (RFC 7011 section 7).</summary>
    public const ushort VariableLength = 65535;
}
