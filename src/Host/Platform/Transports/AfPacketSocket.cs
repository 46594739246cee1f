// A raw AF_PACKET socket bound to one interface, promiscuous, moving whole frames. The kernel takes the
// 802.1Q/802.1ad tag off received frames (VLAN offload, veth included) and reports it in PACKET_AUXDATA;
// this puts it back, so a tagged frame reaches the bridge tagged. Our own transmissions, which the
// socket would also see, are skipped. Frames the kernel drops for the socket (receive buffer full) are
// read from PACKET_STATISTICS, so they are counted too.
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal sealed class AfPacketSocket : FrameByFrameDevice
{
    /// <summary>Room before the frame to put a stripped VLAN tag back by moving 12 bytes, not the whole frame.</summary>
    private const int Headroom = 4;
    /// <summary>veth hands GSO super-frames of up to 64 KiB to packet sockets; larger frames than a slot are counted by the queue.</summary>
    private const int ReceiveCapacity = 65536;
    private const int ReceiveBufferSize = 4 << 20;
    private const int SockaddrLlSize = 20;
    private const int PacketTypeOffset = 10;   // sockaddr_ll.sll_pkttype
    private const int ControlCapacity = 64;    // one cmsghdr (16) + tpacket_auxdata (20), aligned
    private const int ControlHeaderSize = 16;  // cmsghdr on LP64: size_t len, int level, int type
    private const int AuxStatusOffset = 0;
    private const int AuxVlanTciOffset = 16;
    private const int AuxVlanTpidOffset = 18;
    private const ushort Ieee8021QTpid = 0x8100;
    private const int TpacketStatsSize = 8;    // struct tpacket_stats { unsigned tp_packets, tp_drops; }
    private const int TpDropsOffset = 4;

    private readonly int _fd;
    private readonly string _interface;
    // Pinned once for the socket's life: recvmsg writes into them through the addresses in _message.
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(Headroom + ReceiveCapacity, pinned: true);
    private readonly byte[] _control = GC.AllocateArray<byte>(ControlCapacity, pinned: true);
    private readonly byte[] _address = GC.AllocateArray<byte>(SockaddrLlSize, pinned: true);
    private readonly byte[] _statistics = GC.AllocateArray<byte>(TpacketStatsSize, pinned: true);
    private readonly LinuxNative.IoVector[] _vector = GC.AllocateArray<LinuxNative.IoVector>(1, pinned: true);
    private LinuxNative.MessageHeader _message;
    private bool _wentDown;   // ENETDOWN was reported: drain what is queued, then say gone

    private AfPacketSocket(int fd, string interfaceName, uint interfaceIndex)
    {
        InterfaceIndex = (int)interfaceIndex;
        _fd = fd;
        _interface = interfaceName;
        _vector[0] = new LinuxNative.IoVector
        {
            Base = Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, Headroom),
            Length = ReceiveCapacity,
        };
        _message.Name = Marshal.UnsafeAddrOfPinnedArrayElement(_address, 0);
        _message.IoVectors = Marshal.UnsafeAddrOfPinnedArrayElement(_vector, 0);
        _message.IoVectorCount = 1;
        _message.Control = Marshal.UnsafeAddrOfPinnedArrayElement(_control, 0);
    }

    /// <exception cref="DeviceUnavailableException">No such interface, it is down, or no CAP_NET_RAW.</exception>
    public static AfPacketSocket Open(string interfaceName)
    {
        uint index = PacketSocketBinding.IndexOf(interfaceName);
        // Protocol 0: the socket hears nothing until bind names both the protocol and this one interface,
        // so no frame of another interface slips in between socket() and bind().
        int fd = LinuxNative.socket(LinuxNative.AF_PACKET, LinuxNative.SOCK_RAW | LinuxNative.SOCK_CLOEXEC | LinuxNative.SOCK_NONBLOCK, 0);
        if (fd < 0)
        {
            throw new DeviceUnavailableException($"cannot open a packet socket for {interfaceName}: {LinuxNative.Describe(LinuxNative.LastError)}");
        }
        try
        {
            PacketSocketBinding.SetOption(fd, LinuxNative.PACKET_AUXDATA, 1, "PACKET_AUXDATA", interfaceName);
            // The default receive buffer (~200 KiB) overflows within a millisecond of a burst while the
            // receive thread is descheduled; 4 MiB rides it out. FORCE passes rmem_max (we are root);
            // without CAP_NET_ADMIN the plain option gets what rmem_max allows.
            byte[] receiveBuffer = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(receiveBuffer, ReceiveBufferSize);
            if (LinuxNative.setsockopt(fd, LinuxNative.SOL_SOCKET, LinuxNative.SO_RCVBUFFORCE, ref receiveBuffer[0], 4) != 0)
            {
                _ = LinuxNative.setsockopt(fd, LinuxNative.SOL_SOCKET, LinuxNative.SO_RCVBUF, ref receiveBuffer[0], 4);
            }
            // Cheaper than skipping PACKET_OUTGOING frames one by one; the check in Receive stays for older kernels.
            byte[] one = [1, 0, 0, 0];
            _ = LinuxNative.setsockopt(fd, LinuxNative.SOL_PACKET, LinuxNative.PACKET_IGNORE_OUTGOING, ref one[0], 4);

            PacketSocketBinding.BindPromiscuous(fd, index, interfaceName);
            return new AfPacketSocket(fd, interfaceName, index);
        }
        catch
        {
            LinuxNative.Close(fd);
            throw;
        }
    }

    public override int Descriptor => _fd;

    public override Received TryReceive(out ReadOnlySpan<byte> frame)
    {
        frame = default;
        long length = ReceiveNow();
        if (length < 0)
        {
            int errno = LinuxNative.LastError;
            if (errno == LinuxNative.ENETDOWN && !_wentDown)
            {
                // The interface went down or away. Reporting that cleared the error: frames it received
                // before are still queued and readable, so they are taken (and counted) before "gone".
                _wentDown = true;
                GoneReason = $"{_interface} went down or was removed";
                return TryReceive(out frame);
            }
            return ReceiveFailed(errno);
        }
        if (_address[PacketTypeOffset] == LinuxNative.PACKET_OUTGOING)
        {
            return Received.Skipped;   // our own transmission, on a kernel without PACKET_IGNORE_OUTGOING
        }
        if (length > ReceiveCapacity)
        {
            TooBigSize = (int)Math.Min(length, int.MaxValue);   // MSG_TRUNC reports the whole size
            return Received.TooBig;
        }
        frame = WithVlanTagRestored((int)length);   // a runt goes on too: the engine counts it as malformed
        return Received.Frame;
    }

    /// <summary>PACKET_STATISTICS: frames dropped since the last read (the kernel resets it on read).</summary>
    public override long TakeKernelDrops()
    {
        uint size = TpacketStatsSize;
        if (LinuxNative.getsockopt(_fd, LinuxNative.SOL_PACKET, LinuxNative.PACKET_STATISTICS, ref _statistics[0], ref size) != 0 || size < TpacketStatsSize)
        {
            return 0;
        }
        return BinaryPrimitives.ReadUInt32LittleEndian(_statistics.AsSpan(TpDropsOffset));
    }

    private long ReceiveNow()
    {
        _message.NameLength = SockaddrLlSize;
        _message.ControlLength = ControlCapacity;
        _message.Flags = 0;
        return LinuxNative.recvmsg(_fd, ref _message, LinuxNative.MSG_TRUNC | LinuxNative.MSG_DONTWAIT);
    }

    private Received ReceiveFailed(int errno)
    {
        switch (errno)
        {
            case LinuxNative.EAGAIN or LinuxNative.EINTR:
                return _wentDown ? Received.Gone : Received.Idle;
            case LinuxNative.ENETDOWN:
                return Received.Gone;
            default:
                GoneReason = $"receiving on {_interface}: {LinuxNative.Describe(errno)}";
                return Received.Gone;
        }
    }

    /// <summary>The received frame, with the tag the kernel reported in PACKET_AUXDATA put back after the MACs.</summary>
    private ReadOnlySpan<byte> WithVlanTagRestored(int length)
    {
        ReadOnlySpan<byte> control = _control.AsSpan(0, (int)_message.ControlLength);
        while (control.Length >= ControlHeaderSize)
        {
            int messageLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(control);
            int level = BinaryPrimitives.ReadInt32LittleEndian(control[8..]);
            int type = BinaryPrimitives.ReadInt32LittleEndian(control[12..]);
            if (messageLength < ControlHeaderSize || messageLength > control.Length)
            {
                break;
            }
            if (level == LinuxNative.SOL_PACKET && type == LinuxNative.PACKET_AUXDATA && messageLength >= ControlHeaderSize + 20)
            {
                ReadOnlySpan<byte> aux = control[ControlHeaderSize..];
                uint status = BinaryPrimitives.ReadUInt32LittleEndian(aux[AuxStatusOffset..]);
                if ((status & LinuxNative.TP_STATUS_VLAN_VALID) != 0)
                {
                    ushort tci = BinaryPrimitives.ReadUInt16LittleEndian(aux[AuxVlanTciOffset..]);
                    ushort tpid = (status & LinuxNative.TP_STATUS_VLAN_TPID_VALID) != 0
                        ? BinaryPrimitives.ReadUInt16LittleEndian(aux[AuxVlanTpidOffset..])
                        : Ieee8021QTpid;
                    Span<byte> tagged = _buffer.AsSpan(0, Headroom + length);
                    tagged.Slice(Headroom, 12).CopyTo(tagged);   // the MACs move into the headroom
                    BinaryPrimitives.WriteUInt16BigEndian(tagged[12..], tpid);
                    BinaryPrimitives.WriteUInt16BigEndian(tagged[14..], tci);
                    return tagged;
                }
                break;
            }
            control = control[Math.Min(control.Length, (messageLength + 7) & ~7)..];
        }
        return _buffer.AsSpan(Headroom, length);
    }

    public override Sent Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
        {
            return Sent.Refused;
        }
        // MSG_DONTWAIT: a full device queue drops this frame (counted) rather than stall the port.
        long sent = LinuxNative.send(_fd, ref MemoryMarshal.GetReference(frame), (nuint)frame.Length, LinuxNative.MSG_DONTWAIT);
        if (sent >= 0)
        {
            return Sent.Sent;
        }
        int errno = LinuxNative.LastError;
        if (errno is LinuxNative.ENETDOWN or LinuxNative.ENXIO or LinuxNative.ENODEV)
        {
            GoneReason = $"{_interface} went down or was removed";
            return Sent.Gone;
        }
        return Sent.Refused;   // EMSGSIZE (over the MTU), EAGAIN/ENOBUFS (queue full), ...
    }

    public override void Dispose() => LinuxNative.Close(_fd);
}
