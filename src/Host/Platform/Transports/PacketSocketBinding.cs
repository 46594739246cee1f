// What every packet socket of a port does before it moves a frame, whether it is read with recvmsg
// (AfPacketSocket) or through a mapped ring (PacketRing): find the interface, bind to it for every
// protocol, turn on promiscuous mode, and refuse an interface that is down.
using System.Buffers.Binary;

namespace Hairpin.Host.Transports;

internal static class PacketSocketBinding
{
    private const int SockaddrLlSize = 20;
    private const int PacketMreqSize = 16;

    /// <exception cref="DeviceUnavailableException">No such interface.</exception>
    public static uint IndexOf(string interfaceName)
    {
        uint index = LinuxNative.InterfaceIndex(interfaceName);
        return index != 0 ? index : throw new DeviceUnavailableException($"no interface {interfaceName}");
    }

    /// <summary>
    /// A packet socket opened with protocol 0, which hears nothing until this bind names both the
    /// protocol and this one interface, so no frame of another interface slips in before.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">bind or PACKET_ADD_MEMBERSHIP failed, or the interface is down or gone.</exception>
    public static void BindPromiscuous(int fd, uint index, string interfaceName)
    {
        byte[] address = new byte[SockaddrLlSize];
        BinaryPrimitives.WriteUInt16LittleEndian(address, LinuxNative.AF_PACKET);
        BinaryPrimitives.WriteUInt16BigEndian(address.AsSpan(2), LinuxNative.ETH_P_ALL);
        BinaryPrimitives.WriteInt32LittleEndian(address.AsSpan(4), (int)index);
        if (LinuxNative.bind(fd, ref address[0], SockaddrLlSize) != 0)
        {
            throw Unavailable("bind to", interfaceName);
        }

        byte[] membership = new byte[PacketMreqSize];   // struct packet_mreq
        BinaryPrimitives.WriteInt32LittleEndian(membership, (int)index);
        BinaryPrimitives.WriteUInt16LittleEndian(membership.AsSpan(4), LinuxNative.PACKET_MR_PROMISC);
        if (LinuxNative.setsockopt(fd, LinuxNative.SOL_PACKET, LinuxNative.PACKET_ADD_MEMBERSHIP, ref membership[0], PacketMreqSize) != 0)
        {
            throw Unavailable("make promiscuous", interfaceName);
        }

        // Bound to a down interface the socket would only report ENETDOWN: call that unavailable, not up.
        short? flags = InterfaceRequest.ReadFlags(fd, interfaceName);
        if (flags is null || (flags & LinuxNative.IFF_UP) == 0)
        {
            throw new DeviceUnavailableException(flags is null ? $"no interface {interfaceName}" : $"{interfaceName} is down");
        }
    }

    /// <summary>
    /// Binds a packet socket opened with protocol 0 to the interface for sending only: with protocol 0
    /// the kernel registers no receive hook, so the socket never hears a frame.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">bind failed (no such interface).</exception>
    public static void BindForSending(int fd, uint index, string interfaceName)
    {
        byte[] address = new byte[SockaddrLlSize];
        BinaryPrimitives.WriteUInt16LittleEndian(address, LinuxNative.AF_PACKET);
        BinaryPrimitives.WriteInt32LittleEndian(address.AsSpan(4), (int)index);
        if (LinuxNative.bind(fd, ref address[0], SockaddrLlSize) != 0)
        {
            throw Unavailable("bind a sending socket to", interfaceName);
        }
    }

    /// <summary>Sets an integer SOL_PACKET option.</summary>
    /// <exception cref="DeviceUnavailableException">The kernel refused it.</exception>
    public static void SetOption(int fd, int option, int value, string optionName, string interfaceName)
    {
        if (!TrySetOption(fd, option, value))
        {
            throw Unavailable($"set {optionName} on", interfaceName);
        }
    }

    public static bool TrySetOption(int fd, int option, int value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return LinuxNative.setsockopt(fd, LinuxNative.SOL_PACKET, option, ref bytes[0], 4) == 0;
    }

    /// <summary>The error of the call that just failed, as the transport reports it.</summary>
    public static DeviceUnavailableException Unavailable(string what, string interfaceName) =>
        new($"cannot {what} {interfaceName}: {LinuxNative.Describe(LinuxNative.LastError)}");
}
