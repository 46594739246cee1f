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
        int ip = Locate(frame, out bool tcp);
        if (ip < 0)
        {
            return false;
        }
        // Every read below is in bounds (Locate's checks): the Ethernet and IPv4 headers end by byte 38
        // (a tag included) and the frame has 42; the transport header's reads stay inside the IPv4
        // payload, whose length Locate holds to the frame and to the header read.
        ref byte bytes = ref MemoryMarshal.GetReference(frame);
        ulong pcp = ip == EthernetHeader + TagSize ? (ulong)(Unsafe.Add(ref bytes, 14) >> 5) : 0;
        int l4 = ip + Ipv4Header;
        byte protocol = Unsafe.Add(ref bytes, ip + 9);
        ulong tcpFlags = tcp ? Unsafe.Add(ref bytes, l4 + 13) : 0UL;
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

    /// <summary>
    /// Where the IPv4 header of a frame this path covers starts (14, or 18 after a C-tag), and whether
    /// it carries TCP (else UDP); -1 for a frame it leaves to the general classifier. Its checks hold
    /// every read of <see cref="TryBuild"/> inside the frame: the frame has at least 42 bytes, and the
    /// whole transport header (20 bytes of TCP, 8 of UDP) lies inside the IPv4 packet and the frame.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Locate(ReadOnlySpan<byte> frame, out bool tcp)
    {
        tcp = false;
        int length = frame.Length;
        if (length < EthernetHeader + Ipv4Header + 8)
        {
            return -1;
        }
        ref byte bytes = ref MemoryMarshal.GetReference(frame);
        int ip = EthernetHeader;
        ushort type = ReadUInt16(ref bytes, 12);
        if (type == EtherTypes.CustomerVlan)
        {
            type = ReadUInt16(ref bytes, 16);
            ip += TagSize;
        }
        if (type != EtherTypes.IPv4 || Unsafe.Add(ref bytes, ip) != 0x45)   // version 4, no options
        {
            return -1;
        }
        int totalLength = ReadUInt16(ref bytes, ip + 2);
        if (totalLength < Ipv4Header || totalLength > length - ip
            || (ReadUInt16(ref bytes, ip + 6) & FragmentBits) != 0)
        {
            return -1;
        }
        byte protocol = Unsafe.Add(ref bytes, ip + 9);
        int l4 = ip + Ipv4Header;
        int segment = totalLength - Ipv4Header;
        if (protocol == TcpReader.IpProtocol)
        {
            if (segment < 20)
            {
                return -1;
            }
            int header = (Unsafe.Add(ref bytes, l4 + 12) >> 4) * 4;
            if (header < 20 || header > segment)
            {
                return -1;
            }
            tcp = true;
            return ip;
        }
        if (protocol == UdpReader.IpProtocol)
        {
            int udpLength = segment < 8 ? 0 : ReadUInt16(ref bytes, l4 + 4);
            return udpLength < 8 || udpLength > segment ? -1 : ip;
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort ReadUInt16(ref byte bytes, int offset) =>
        BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref bytes, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadUInt32(ref byte bytes, int offset) =>
        BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref bytes, offset)));
}
