// IPv4 ICMP echo frames built by hand (no packet library restores here): a request with correct IPv4
// header and ICMP checksums that a real kernel answers, and a check for its reply.
using System.Buffers.Binary;
using System.Net;

namespace Hairpin.Host.Tests.Infrastructure;

public static class IcmpFrames
{
    /// <summary>An Ethernet frame with an ICMP echo request <paramref name="source"/> -> <paramref name="destination"/>.</summary>
    public static byte[] EchoRequest(byte[] sourceMac, byte[] destinationMac, IPAddress source, IPAddress destination,
        ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        byte[] icmp = new byte[8 + payload.Length];
        icmp[0] = 8;   // echo request
        icmp[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), sequence);
        payload.CopyTo(icmp.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), Checksum(icmp));

        byte[] ip = new byte[20 + icmp.Length];
        ip[0] = 0x45;   // version 4, 5 words
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), (ushort)Random.Shared.Next(0x10000));
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), 0x4000);   // don't fragment
        ip[8] = 64;     // TTL
        ip[9] = 1;      // ICMP
        source.GetAddressBytes().CopyTo(ip, 12);
        destination.GetAddressBytes().CopyTo(ip, 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), Checksum(ip.AsSpan(0, 20)));
        icmp.CopyTo(ip, 20);
        return TestFrames.Ethernet(destinationMac, sourceMac, 0x0800, ip);
    }

    /// <summary>True for an echo reply to <paramref name="requesterMac"/> from <paramref name="from"/> with this id, sequence and payload, checksums valid.</summary>
    public static bool IsEchoReply(ReadOnlySpan<byte> frame, byte[] requesterMac, IPAddress from, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(requesterMac);
        ArgumentNullException.ThrowIfNull(from);
        if (frame.Length < 14 + 20 + 8 || !frame[..6].SequenceEqual(requesterMac) || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800)
        {
            return false;
        }
        ReadOnlySpan<byte> ip = frame[14..];
        int headerLength = (ip[0] & 0x0f) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (ip[0] >> 4 != 4 || ip[9] != 1 || totalLength > ip.Length || !ip.Slice(12, 4).SequenceEqual(from.GetAddressBytes())
            || Checksum(ip[..headerLength]) != 0)
        {
            return false;
        }
        ReadOnlySpan<byte> icmp = ip[headerLength..totalLength];
        return icmp.Length >= 8 && icmp[0] == 0 && icmp[1] == 0 && Checksum(icmp) == 0
            && BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) == identifier
            && BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]) == sequence
            && icmp[8..].SequenceEqual(payload);
    }

    /// <summary>The Internet checksum (RFC 1071): 0 over data that carries a correct one.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if ((data.Length & 1) == 1)
        {
            sum += (uint)data[^1] << 8;
        }
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
