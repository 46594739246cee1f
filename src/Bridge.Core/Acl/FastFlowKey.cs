// The common case of building a flow key, straight from the bytes: an untagged or singly C-tagged
// IPv4 packet without options or fragmentation, carrying a whole TCP or UDP header. Anything else
// (and anything this path is unsure of) goes to the general classifier, which validates and reports.
// A test holds both paths to the same key for every frame this one accepts.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Acl;

internal static class FastFlowKey
{
    private const int EthernetHeader = 14;
    private const int TagSize = 4;
    private const int Ipv4Header = 20;
    private const ushort FragmentBits = 0x3FFF;   // more-fragments flag and fragment offset

    /// <summary>Builds the key for the common case; false means "use the general classifier".</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryBuild(ReadOnlySpan<byte> frame, int vid, int ingressPort, out FlowKey key)
    {
        key = default;
        if (frame.Length < EthernetHeader + Ipv4Header + 8)
        {
            return false;
        }
        int ip = EthernetHeader;
        ulong pcp = 0;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (type == EtherTypes.CustomerVlan)
        {
            pcp = (ulong)(frame[14] >> 5);
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            ip += TagSize;
        }
        if (type != EtherTypes.IPv4 || frame[ip] != 0x45)   // version 4, no options
        {
            return false;
        }
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(ip + 2)..]);
        if (totalLength < Ipv4Header || totalLength > frame.Length - ip
            || (BinaryPrimitives.ReadUInt16BigEndian(frame[(ip + 6)..]) & FragmentBits) != 0)
        {
            return false;
        }
        byte protocol = frame[ip + 9];
        int l4 = ip + Ipv4Header;
        int segment = totalLength - Ipv4Header;
        ulong tcpFlags = 0;
        if (protocol == TcpReader.IpProtocol)
        {
            if (segment < 20)
            {
                return false;
            }
            int header = (frame[l4 + 12] >> 4) * 4;
            if (header < 20 || header > segment)
            {
                return false;
            }
            tcpFlags = frame[l4 + 13];
        }
        else if (protocol == UdpReader.IpProtocol)
        {
            int udpLength = segment < 8 ? 0 : BinaryPrimitives.ReadUInt16BigEndian(frame[(l4 + 4)..]);
            if (udpLength < 8 || udpLength > segment)
            {
                return false;
            }
        }
        else
        {
            return false;
        }
        key.Words[0] = (MacAddress.Read(frame).Value << 16) | EtherTypes.IPv4;
        key.Words[1] = (MacAddress.Read(frame[6..]).Value << 16) | ((ulong)vid << 4) | (pcp << 1);
        key.Words[2] = 0;
        key.Words[3] = 0x0000_FFFF_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(frame[(ip + 12)..]);
        key.Words[4] = 0;
        key.Words[5] = 0x0000_FFFF_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(frame[(ip + 16)..]);
        key.Words[6] = ((ulong)protocol << 56) | ((ulong)(frame[ip + 1] >> 2) << 50) | (tcpFlags << 42) | (byte)ingressPort;
        key.Words[7] = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(frame[l4..]) << 16) | BinaryPrimitives.ReadUInt16BigEndian(frame[(l4 + 2)..]);
        return true;
    }
}
