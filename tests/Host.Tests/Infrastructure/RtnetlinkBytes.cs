// Rtnetlink messages built byte by byte for the parser's and the watcher's tests, laid out as the
// kernel writes them (linux/netlink.h, linux/rtnetlink.h; host byte order, 4-byte alignment).
using System.Buffers.Binary;

namespace Hairpin.Host.Tests.Infrastructure;

internal static class RtnetlinkBytes
{
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort IflaIfname = 3;
    public const ushort IflaMtu = 4;
    public const ushort IflaOperState = 16;
    public const uint IffUp = 0x1;
    public const uint IffBroadcast = 0x2;
    public const uint IffRunning = 0x40;
    public const uint IffLowerUp = 0x10000;
    public const byte OperDown = 2;
    public const byte OperLowerLayerDown = 7;
    public const byte OperUp = 6;

    /// <summary>One attribute (rtattr), padded to 4 bytes.</summary>
    public static byte[] Attribute(ushort type, params byte[] payload)
    {
        byte[] attribute = new byte[(4 + payload.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, (ushort)(4 + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(2), type);
        payload.CopyTo(attribute, 4);
        return attribute;
    }

    public static byte[] OperState(byte state) => Attribute(IflaOperState, state);

    public static byte[] Name(string name) => Attribute(IflaIfname, [.. System.Text.Encoding.ASCII.GetBytes(name), 0]);

    /// <summary>An RTM_NEWLINK (or the given type) for <paramref name="index"/> with these flags and attributes.</summary>
    public static byte[] Link(int index, uint flags, ushort type = NewLink, uint sequence = 0, params byte[][] attributes)
    {
        byte[] info = new byte[16];   // ifinfomsg
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(2), 1);   // ARPHRD_ETHER
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(8), flags);
        return Message(type, sequence, [.. info, .. attributes.SelectMany(a => a)]);
    }

    /// <summary>NLMSG_ERROR answering request <paramref name="sequence"/> with -<paramref name="errno"/> (0: an acknowledgement).</summary>
    public static byte[] ErrorAnswer(uint sequence, int errno)
    {
        byte[] body = new byte[4 + 16];   // error, then the request's header
        BinaryPrimitives.WriteInt32LittleEndian(body, -errno);
        return Message(Error, sequence, body);
    }

    /// <summary>nlmsghdr + body, padded to 4 bytes (nlmsg_len is the unpadded length, as the kernel writes it).</summary>
    public static byte[] Message(ushort type, uint sequence, byte[] body)
    {
        byte[] message = new byte[(16 + body.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)(16 + body.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        body.CopyTo(message, 16);
        return message;
    }

    public static byte[] Datagram(params byte[][] messages) => [.. messages.SelectMany(m => m)];
}
