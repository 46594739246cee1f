// Reads an ARP packet (the Ethernet payload after EtherType 0x0806). Only the Ethernet/IPv4 form is
// parsed; other hardware/protocol pairs are reported as Unsupported rather than misread.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>A view over one ARP packet. Construct, then test <see cref="Check"/>; fields are zero unless Ok.</summary>
public readonly ref struct ArpReader
{
    /// <summary>Size of an Ethernet/IPv4 ARP packet; anything after it is Ethernet padding.</summary>
    public const int Size = 28;
    public const ushort OperationRequest = 1;
    public const ushort OperationReply = 2;

    private const int FixedSize = 8;   // htype, ptype, hlen, plen, oper: enough to know the format
    private const ushort HardwareEthernet = 1;

    public ArpReader(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < FixedSize)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        // Checked before the full length so that a short ARP of another format reads as Unsupported.
        if (BinaryPrimitives.ReadUInt16BigEndian(packet) != HardwareEthernet
            || BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != EtherTypes.IPv4
            || packet[4] != MacAddress.Size
            || packet[5] != 4)
        {
            Check = HeaderCheck.Unsupported;
            return;
        }
        if (packet.Length < Size)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        Operation = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        SenderMac = MacAddress.Read(packet[8..]);
        SenderIp = BinaryPrimitives.ReadUInt32BigEndian(packet[14..]);
        TargetMac = MacAddress.Read(packet[18..]);
        TargetIp = BinaryPrimitives.ReadUInt32BigEndian(packet[24..]);
    }

    public HeaderCheck Check { get; }
    public bool IsValid => Check == HeaderCheck.Ok;

    /// <summary>1 request, 2 reply (<see cref="OperationRequest"/>, <see cref="OperationReply"/>); others pass through as read.</summary>
    public ushort Operation { get; }
    public MacAddress SenderMac { get; }
    /// <summary>Sender protocol address, host order (192.0.2.1 is 0xC0000201).</summary>
    public uint SenderIp { get; }
    public MacAddress TargetMac { get; }
    public uint TargetIp { get; }
}
