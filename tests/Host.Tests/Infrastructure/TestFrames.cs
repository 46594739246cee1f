// Ethernet frames for transport tests, built by hand (no packet library restores here), with a marker
// in the payload so a test finds its own frame among whatever else the kernel sends.
using System.Buffers.Binary;
using System.Net;

namespace Hairpin.Host.Tests.Infrastructure;

public static class TestFrames
{
    public static readonly byte[] Broadcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

    /// <summary>A locally administered unicast MAC unique enough for one test run.</summary>
    public static byte[] RandomMac()
    {
        byte[] mac = new byte[6];
        Random.Shared.NextBytes(mac);
        mac[0] = 0x02;
        return mac;
    }

    public static byte[] Ethernet(byte[] destination, byte[] source, ushort etherType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        byte[] frame = new byte[Math.Max(60, 14 + payload.Length)];
        destination.CopyTo(frame, 0);
        source.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame.AsSpan(14));
        return frame;
    }

    /// <summary>A frame of an unassigned local experimental EtherType (0x88B5) carrying <paramref name="marker"/>.</summary>
    public static byte[] Marked(byte[] source, string marker, int size = 60)
    {
        byte[] frame = Ethernet(Broadcast, source, 0x88B5, System.Text.Encoding.ASCII.GetBytes(marker));
        if (frame.Length < size)
        {
            Array.Resize(ref frame, size);
        }
        return frame;
    }

    /// <summary>An ARP request "who has <paramref name="target"/>, tell <paramref name="sender"/>", broadcast.</summary>
    public static byte[] ArpRequest(byte[] senderMac, IPAddress sender, IPAddress target)
    {
        ArgumentNullException.ThrowIfNull(senderMac);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(target);
        byte[] arp = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(0), 1);        // Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), 0x0800);   // IPv4
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), 1);        // request
        senderMac.CopyTo(arp, 8);
        sender.GetAddressBytes().CopyTo(arp, 14);
        target.GetAddressBytes().CopyTo(arp, 24);
        return Ethernet(Broadcast, senderMac, 0x0806, arp);
    }

    /// <summary>True for an ARP reply to <paramref name="requesterMac"/> saying where <paramref name="answered"/> is.</summary>
    public static bool IsArpReply(ReadOnlySpan<byte> frame, byte[] requesterMac, IPAddress answered)
    {
        ArgumentNullException.ThrowIfNull(requesterMac);
        ArgumentNullException.ThrowIfNull(answered);
        return frame.Length >= 42
            && frame[..6].SequenceEqual(requesterMac)
            && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == 0x0806
            && BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) == 2
            && frame.Slice(28, 4).SequenceEqual(answered.GetAddressBytes());
    }

    public static bool Contains(ReadOnlySpan<byte> frame, string marker) =>
        frame.IndexOf(System.Text.Encoding.ASCII.GetBytes(marker)) >= 0;

    public static string NewMarker() => $"hairpin-{Guid.NewGuid():N}"[..24];
}
