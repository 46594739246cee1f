// Reads the rtnetlink datagrams of the carrier watcher (CarrierWatcher) one message at a time, every
// length checked against what is there: a message that does not fit is reported Malformed and ends the
// datagram (nothing after it can be framed), never an exception. Pure: bytes in, messages out, so the
// tests feed it byte arrays. Netlink is in the host's byte order; layouts from linux/netlink.h and
// linux/rtnetlink.h (nlmsghdr 16 bytes, ifinfomsg 16, rtattr 4, all aligned to 4).
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal enum RtnetlinkKind
{
    /// <summary>RTM_NEWLINK or RTM_DELLINK: <see cref="RtnetlinkMessage.Link"/>.</summary>
    Link,
    /// <summary>NLMSG_ERROR with an error: <see cref="RtnetlinkMessage.Sequence"/> of the request it answers, <see cref="RtnetlinkMessage.Error"/> the errno.</summary>
    Error,
    /// <summary>Well formed but nothing a port follows (NLMSG_DONE, an acknowledgement, other types).</summary>
    Ignored,
    /// <summary>Lengths that do not add up: counted and skipped.</summary>
    Malformed,
}

internal readonly record struct RtnetlinkMessage(RtnetlinkKind Kind, LinkReport Link = default, uint Sequence = 0, int Error = 0);

internal static class RtnetlinkParser
{
    public const int HeaderSize = 16;        // struct nlmsghdr
    public const int LinkInfoSize = 16;      // struct ifinfomsg
    public const int AttributeHeaderSize = 4;  // struct rtattr
    public const ushort NlmsgError = 2;
    public const ushort RtmNewLink = 16;
    public const ushort RtmDelLink = 17;
    public const ushort RtmGetLink = 18;
    public const ushort IflaOperState = 16;
    /// <summary>The top bits of an attribute's type are flags (NLA_F_NESTED, NLA_F_NET_BYTEORDER).</summary>
    private const ushort AttributeTypeMask = 0x3FFF;

    /// <summary>
    /// Takes the next message off the front of <paramref name="datagram"/>. False when nothing is left;
    /// after a Malformed message nothing is.
    /// </summary>
    public static bool TryTakeNext(ref ReadOnlySpan<byte> datagram, out RtnetlinkMessage message)
    {
        message = default;
        if (datagram.IsEmpty)
        {
            return false;
        }
        uint length = datagram.Length >= HeaderSize ? Read<uint>(datagram) : 0;
        if (length < HeaderSize || length > (uint)datagram.Length)
        {
            message = new RtnetlinkMessage(RtnetlinkKind.Malformed);
            datagram = default;
            return true;
        }
        ushort type = Read<ushort>(datagram[4..]);
        uint sequence = Read<uint>(datagram[8..]);
        ReadOnlySpan<byte> body = datagram[HeaderSize..(int)length];
        int next = Align((int)length);
        datagram = next >= datagram.Length ? default : datagram[next..];
        message = type switch
        {
            RtmNewLink => ReadLink(body, deleted: false),
            RtmDelLink => ReadLink(body, deleted: true),
            NlmsgError => ReadError(body, sequence),
            _ => new RtnetlinkMessage(RtnetlinkKind.Ignored),
        };
        return true;
    }

    /// <summary>struct ifinfomsg, then attributes; only IFLA_OPERSTATE is kept, unknown ones are stepped over.</summary>
    private static RtnetlinkMessage ReadLink(ReadOnlySpan<byte> body, bool deleted)
    {
        if (body.Length < LinkInfoSize)
        {
            return new RtnetlinkMessage(RtnetlinkKind.Malformed);
        }
        int index = Read<int>(body[4..]);
        uint flags = Read<uint>(body[8..]);
        byte? operState = null;
        ReadOnlySpan<byte> attributes = body[LinkInfoSize..];
        while (!attributes.IsEmpty)
        {
            ushort size = attributes.Length >= AttributeHeaderSize ? Read<ushort>(attributes) : (ushort)0;
            if (size < AttributeHeaderSize || size > attributes.Length)
            {
                return new RtnetlinkMessage(RtnetlinkKind.Malformed);
            }
            ushort type = (ushort)(Read<ushort>(attributes[2..]) & AttributeTypeMask);
            if (type == IflaOperState)
            {
                if (size == AttributeHeaderSize)
                {
                    return new RtnetlinkMessage(RtnetlinkKind.Malformed);   // the state's byte is missing
                }
                operState = attributes[AttributeHeaderSize];
            }
            int next = Align(size);
            attributes = next >= attributes.Length ? default : attributes[next..];
        }
        return new RtnetlinkMessage(RtnetlinkKind.Link, new LinkReport(index, flags, operState, deleted));
    }

    /// <summary>NLMSG_ERROR: a negative errno (0 is an acknowledgement), then the request's header.</summary>
    private static RtnetlinkMessage ReadError(ReadOnlySpan<byte> body, uint sequence)
    {
        if (body.Length < 4)
        {
            return new RtnetlinkMessage(RtnetlinkKind.Malformed);
        }
        int error = -Read<int>(body);
        return error == 0 ? new RtnetlinkMessage(RtnetlinkKind.Ignored) : new RtnetlinkMessage(RtnetlinkKind.Error, Sequence: sequence, Error: error);
    }

    /// <summary>NLMSG_ALIGN / RTA_ALIGN.</summary>
    public static int Align(int size) => (size + 3) & ~3;

    /// <summary>Host byte order, as netlink is; the caller has checked the length.</summary>
    private static T Read<T>(ReadOnlySpan<byte> bytes)
        where T : struct => MemoryMarshal.Read<T>(bytes);
}
