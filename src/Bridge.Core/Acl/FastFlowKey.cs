// The common case of building a flow key, straight from the bytes: an untagged or singly C-tagged
// IPv4 packet without options or fragmentation, carrying a whole TCP or UDP header. Anything else
// (and anything this path is unsure of) goes to the general classifier, which validates and reports.
// A test holds both paths to the same key for every frame this one accepts.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Acl;

internal static class FastFlowKey
{
    private const int EthernetHeader = 14;
    private const int TagSize = 4;
    private const int Ipv4Header = 20;
    private const ushort FragmentBits = 0x3FFF;   // more-fragments flag and fragment offset

    /// <summary>Builds the key for the common case; false means "use the general classifier" (the key is then meaningless).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryBuild(ReadOnlySpan<byte> frame, int vid, int ingressPort, out FlowKey key) =>
        TryBuild(frame, vid, ingressPort, out key, out _);

    /// <summary>The same, with the key's hash (FlowKey.HashOf) taken from the words as they are made, not read back from memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryBuild(ReadOnlySpan<byte> frame, int vid, int ingressPort, out FlowKey key, out int hash)
    {
        Unsafe.SkipInit(out key);
        hash = 0;
        // Every read below is in bounds, so none is checked: the Ethernet and IPv4 headers end by byte
        // 38 (a tag included) and the frame has 42; the transport header's reads stay inside the IPv4
        // payload, whose length the checks below hold to the frame and to the header read.
        int length = frame.Length;
        if (length < EthernetHeader + Ipv4Header + 8)
        {
            return false;
        }
        ref byte bytes = ref MemoryMarshal.GetReference(frame);
        int ip = EthernetHeader;
        ulong pcp = 0;
        ushort type = ReadUInt16(ref bytes, 12);
        if (type == EtherTypes.CustomerVlan)
        {
            pcp = (ulong)(Unsafe.Add(ref bytes, 14) >> 5);
            type = ReadUInt16(ref bytes, 16);
            ip += TagSize;
        }
        if (type != EtherTypes.IPv4 || Unsafe.Add(ref bytes, ip) != 0x45)   // version 4, no options
        {
            return false;
        }
        int totalLength = ReadUInt16(ref bytes, ip + 2);
        if (totalLength < Ipv4Header || totalLength > length - ip
            || (ReadUInt16(ref bytes, ip + 6) & FragmentBits) != 0)
        {
            return false;
        }
        byte protocol = Unsafe.Add(ref bytes, ip + 9);
        int l4 = ip + Ipv4Header;
        int segment = totalLength - Ipv4Header;
        ulong tcpFlags = 0;
        if (protocol == TcpReader.IpProtocol)
        {
            if (segment < 20)
            {
                return false;
            }
            int header = (Unsafe.Add(ref bytes, l4 + 12) >> 4) * 4;
            if (header < 20 || header > segment)
            {
                return false;
            }
            tcpFlags = Unsafe.Add(ref bytes, l4 + 13);
        }
        else if (protocol == UdpReader.IpProtocol)
        {
            int udpLength = segment < 8 ? 0 : ReadUInt16(ref bytes, l4 + 4);
            if (udpLength < 8 || udpLength > segment)
            {
                return false;
            }
        }
        else
        {
            return false;
        }
        ulong destinationMac = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref bytes)) >> 16;
        ulong sourceMac = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, 4))) & 0xFFFF_FFFF_FFFFUL;
        ulong w0 = (destinationMac << 16) | EtherTypes.IPv4;
        ulong w1 = (sourceMac << 16) | ((ulong)vid << 4) | (pcp << 1);
        ulong w3 = 0x0000_FFFF_0000_0000UL | ReadUInt32(ref bytes, ip + 12);
        ulong w5 = 0x0000_FFFF_0000_0000UL | ReadUInt32(ref bytes, ip + 16);
        ulong w6 = ((ulong)protocol << 56) | ((ulong)(Unsafe.Add(ref bytes, ip + 1) >> 2) << 50) | (tcpFlags << 42) | (byte)ingressPort;
        ulong w7 = ReadUInt32(ref bytes, l4);   // source port (16) | destination port (16)
        key.Words[0] = w0;
        key.Words[1] = w1;
        key.Words[2] = 0;
        key.Words[3] = w3;
        key.Words[4] = 0;
        key.Words[5] = w5;
        key.Words[6] = w6;
        key.Words[7] = w7;
        hash = FlowKey.HashOf(w0, w1, 0, w3, 0, w5, w6, w7);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort ReadUInt16(ref byte bytes, int offset) =>
        BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref bytes, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadUInt32(ref byte bytes, int offset) =>
        BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref bytes, offset)));
}
