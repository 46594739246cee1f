// A packet socket bound to one interface whose received frames the kernel writes into a TPACKET_V2
// ring mapped into this process (PACKET_MMAP): no recvmsg per frame, and the frame is read where the
// kernel put it. Each frame has its own slot and status word: the kernel hands a slot over
// (TP_STATUS_USER) as soon as the frame is in it and wakes a waiting poll; the reader copies the frame
// out and gives the slot back (TP_STATUS_KERNEL). Slots are used in order, so the reader only ever looks
// at the next one. While every slot holds an unread frame the kernel drops what arrives and counts it
// (PACKET_STATISTICS).
//
// Why V2 and not TPACKET_V3 (frames packed in blocks): a V3 block is handed over when it is full or its
// retire timer fires, so a lone frame waits up to the timer, every ring's timer costs CPU while idle,
// and readiness is only as good as the kernel's block bookkeeping. A V3 ring under the receive thread we had then lost
// the tail of bursts now and then (the last, partly filled block not handed over in time, see git
// 9129a1d); V2 has no timer and no partial block: a frame is readable the moment it is written.
//
// As with AfPacketSocket, the kernel's VLAN offload leaves the 802.1Q/802.1ad tag beside the frame
// (tp_vlan_tci, tp_vlan_tpid); it is put back in place, in the room the kernel leaves before the frame,
// so a tagged frame is handed on tagged. Sending uses the same socket (PacketBatchSender).
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: one thread reads (<see cref="Read{TSink}"/>, <see cref="TakeKernelDrops"/>,
/// <see cref="TakeSocketError"/>); Dispose runs after it has let go.
/// </summary>
internal sealed class PacketRing : IDisposable
{
    private const int TagSize = 4;
    private const int AddressesSize = 12;
    private const ushort Ieee8021QTpid = 0x8100;
    private const int PacketTypeOffset = LinuxNative.Tpacket2Header.AddressOffset + 10;   // sockaddr_ll.sll_pkttype
    private const int TpDropsOffset = 4;

    private readonly int _fd;
    private readonly nint _ring;
    private readonly PacketRingOptions _options;
    private readonly string _interface;
    private readonly byte[] _statistics = new byte[LinuxNative.TpacketStatsSize];
    private byte[]? _retagged;      // only when the kernel left no room before a tagged frame (never seen with Ethernet)
    private int _next;              // the slot the next frame will be in; the kernel fills slots in order
    private bool _losing;           // a frame read since the last TakeLosing said the kernel has dropped some
    private int _disposed;

    private PacketRing(int fd, nint ring, PacketRingOptions options, string interfaceName, uint interfaceIndex)
    {
        InterfaceIndex = (int)interfaceIndex;
        _fd = fd;
        _ring = ring;
        _options = options;
        _interface = interfaceName;
    }

    /// <summary>The socket's descriptor: readable while a frame waits in the ring, in error when the interface goes.</summary>
    public int Descriptor => _fd;

    public string InterfaceName => _interface;

    /// <summary>The index of the interface the socket is bound to.</summary>
    public int InterfaceIndex { get; }

    /// <summary>Frames handed to a sink since the ring was opened.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Frames cut short because they did not fit in a slot (handed to the sink as TakeTooBig).</summary>
    public long FramesTooBig { get; private set; }

    /// <exception cref="DeviceUnavailableException">No such interface, it is down, no CAP_NET_RAW, or the kernel refused the ring.</exception>
    /// <exception cref="ArgumentException">The options describe a ring the kernel would refuse.</exception>
    public static PacketRing Open(string interfaceName, PacketRingOptions options)
    {
        options.Validate();
        uint index = PacketSocketBinding.IndexOf(interfaceName);
        int fd = LinuxNative.socket(LinuxNative.AF_PACKET, LinuxNative.SOCK_RAW | LinuxNative.SOCK_CLOEXEC | LinuxNative.SOCK_NONBLOCK, 0);
        if (fd < 0)
        {
            throw new DeviceUnavailableException($"cannot open a packet socket for {interfaceName}: {LinuxNative.Describe(LinuxNative.LastError)}");
        }
        nint ring = LinuxNative.MapFailed;
        try
        {
            PacketSocketBinding.SetOption(fd, LinuxNative.PACKET_VERSION, LinuxNative.TPACKET_V2, "TPACKET_V2", interfaceName);
            SetReceiveRing(fd, options, interfaceName);
            // Populated now, so the first frames do not pay page faults on the forwarding thread.
            ring = LinuxNative.mmap(0, (nuint)options.RingSize, LinuxNative.PROT_READ | LinuxNative.PROT_WRITE,
                LinuxNative.MAP_SHARED | LinuxNative.MAP_POPULATE, fd, 0);
            if (ring == LinuxNative.MapFailed)
            {
                throw PacketSocketBinding.Unavailable("map the receive ring of", interfaceName);
            }
            // Our own transmissions would land in the ring too; the kernel leaves them out (older kernels:
            // they are skipped by packet type in Read).
            _ = PacketSocketBinding.TrySetOption(fd, LinuxNative.PACKET_IGNORE_OUTGOING, 1);
            // Frames sent on this socket go straight to the driver: on veth (noqueue) the qdisc layer only costs.
            _ = PacketSocketBinding.TrySetOption(fd, LinuxNative.PACKET_QDISC_BYPASS, 1);
            PacketSocketBinding.BindPromiscuous(fd, index, interfaceName);
            return new PacketRing(fd, ring, options, interfaceName, index);
        }
        catch
        {
            if (ring != LinuxNative.MapFailed)
            {
                _ = LinuxNative.munmap(ring, (nuint)options.RingSize);
            }
            LinuxNative.Close(fd);
            throw;
        }
    }

    private static void SetReceiveRing(int fd, PacketRingOptions options, string interfaceName)
    {
        Span<byte> request = stackalloc byte[LinuxNative.TpacketReqSize];
        BinaryPrimitives.WriteInt32LittleEndian(request, options.BlockSize);
        BinaryPrimitives.WriteInt32LittleEndian(request[4..], options.BlockCount);
        BinaryPrimitives.WriteInt32LittleEndian(request[8..], options.FrameSize);
        BinaryPrimitives.WriteInt32LittleEndian(request[12..], options.FrameCount);
        if (LinuxNative.setsockopt(fd, LinuxNative.SOL_PACKET, LinuxNative.PACKET_RX_RING, ref MemoryMarshal.GetReference(request), LinuxNative.TpacketReqSize) != 0)
        {
            throw PacketSocketBinding.Unavailable("set up a receive ring on", interfaceName);
        }
    }

    /// <summary>
    /// True when a frame read since the last call carried TP_STATUS_LOSING: the kernel has dropped
    /// frames since its count was last read, so <see cref="TakeKernelDrops"/> has something to say.
    /// </summary>
    public bool TakeLosing()
    {
        bool losing = _losing;
        _losing = false;
        return losing;
    }

    /// <summary>
    /// Hands up to <paramref name="budget"/> frames, in the order the kernel received them, to
    /// <paramref name="sink"/>, giving each slot back once its frame is handed on; returns how many
    /// frames (and too-big frames) it handed on. Never blocks: 0 means nothing waits.
    /// </summary>
    public int Read<TSink>(ref TSink sink, int budget)
        where TSink : IRingFrameSink, allows ref struct
    {
        int handed = 0;
        while (handed < budget)
        {
            Span<byte> slot = Slot(_next);
            ref uint status = ref StatusOf(slot);
            // Acquire: the kernel publishes the status after the frame's bytes; reading it first orders those reads after.
            uint current = Volatile.Read(ref status);
            if ((current & LinuxNative.TP_STATUS_USER) == 0)
            {
                break;
            }
            _losing |= (current & LinuxNative.TP_STATUS_LOSING) != 0;
            HandOn(slot, current, ref sink, ref handed);
            // Release: every read of the frame (and our writes restoring its tag) completes before the kernel may reuse the slot.
            Volatile.Write(ref status, LinuxNative.TP_STATUS_KERNEL);
            _next = _next + 1 == _options.FrameCount ? 0 : _next + 1;
        }
        return handed;
    }

    /// <summary>Frames the kernel dropped because every slot was ours, since the last call (it resets on read).</summary>
    public long TakeKernelDrops()
    {
        uint size = LinuxNative.TpacketStatsSize;
        if (LinuxNative.getsockopt(_fd, LinuxNative.SOL_PACKET, LinuxNative.PACKET_STATISTICS, ref _statistics[0], ref size) != 0 || size < TpDropsOffset + 4)
        {
            return 0;
        }
        return BinaryPrimitives.ReadUInt32LittleEndian(_statistics.AsSpan(TpDropsOffset));
    }

    /// <summary>
    /// The socket's pending error (SO_ERROR, cleared by reading), or 0: ENETDOWN once the interface
    /// went down or away. A ring never returns errors from a read, so the poller asks when the
    /// descriptor reports one.
    /// </summary>
    public int TakeSocketError()
    {
        Span<byte> value = stackalloc byte[4];
        uint size = 4;
        if (LinuxNative.getsockopt(_fd, LinuxNative.SOL_SOCKET, LinuxNative.SO_ERROR, ref MemoryMarshal.GetReference(value), ref size) != 0)
        {
            return LinuxNative.LastError;
        }
        return BinaryPrimitives.ReadInt32LittleEndian(value);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        LinuxNative.Close(_fd);   // first: the kernel stops writing into the ring
        _ = LinuxNative.munmap(_ring, (nuint)_options.RingSize);
    }

    private void HandOn<TSink>(Span<byte> header, uint status, ref TSink sink, ref int handed)
        where TSink : IRingFrameSink, allows ref struct
    {
        if (header[PacketTypeOffset] == LinuxNative.PACKET_OUTGOING)
        {
            return;   // our own transmission, on a kernel without PACKET_IGNORE_OUTGOING
        }
        int snapLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[LinuxNative.Tpacket2Header.SnapLength..]);
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[LinuxNative.Tpacket2Header.Length..]);
        int mac = BinaryPrimitives.ReadUInt16LittleEndian(header[LinuxNative.Tpacket2Header.MacOffset..]);
        handed++;
        if (length > snapLength || mac + snapLength > header.Length)
        {
            FramesTooBig++;
            sink.TakeTooBig(length);
            return;
        }
        FramesRead++;
        if ((status & LinuxNative.TP_STATUS_VLAN_VALID) == 0 || snapLength < AddressesSize)
        {
            sink.Take(header.Slice(mac, snapLength));   // a runt goes on too: the engine counts it as malformed
            return;
        }
        ushort tci = BinaryPrimitives.ReadUInt16LittleEndian(header[LinuxNative.Tpacket2Header.VlanTci..]);
        ushort tpid = (status & LinuxNative.TP_STATUS_VLAN_TPID_VALID) != 0
            ? BinaryPrimitives.ReadUInt16LittleEndian(header[LinuxNative.Tpacket2Header.VlanTpid..])
            : Ieee8021QTpid;
        sink.Take(WithTag(header, mac, snapLength, tpid, tci));
    }

    /// <summary>The frame with its tag back after the MACs: in place when the kernel left room before it (the MACs move 4 bytes back).</summary>
    private Span<byte> WithTag(Span<byte> header, int mac, int snapLength, ushort tpid, ushort tci)
    {
        Span<byte> tagged;
        if (mac - TagSize >= LinuxNative.Tpacket2Header.SizeWithAddress)
        {
            tagged = header.Slice(mac - TagSize, snapLength + TagSize);
            header.Slice(mac, AddressesSize).CopyTo(tagged);
        }
        else
        {
            tagged = RetagBuffer().AsSpan(0, snapLength + TagSize);
            header.Slice(mac, AddressesSize).CopyTo(tagged);
            header.Slice(mac + AddressesSize, snapLength - AddressesSize).CopyTo(tagged[(AddressesSize + TagSize)..]);
        }
        BinaryPrimitives.WriteUInt16BigEndian(tagged[AddressesSize..], tpid);
        BinaryPrimitives.WriteUInt16BigEndian(tagged[(AddressesSize + 2)..], tci);
        return tagged;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private byte[] RetagBuffer() => _retagged ??= new byte[_options.FrameSize + TagSize];

    /// <summary>
    /// One frame slot of the mapping as a span. The Host builds without unsafe blocks, so the mapping's
    /// address becomes a reference by offsetting a null one: exactly a pointer, bounded by the slot.
    /// </summary>
    private Span<byte> Slot(int frame) =>
        MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref Unsafe.NullRef<byte>(), _ring + ((nint)frame * _options.FrameSize)), _options.FrameSize);

    private static ref uint StatusOf(Span<byte> slot) =>
        ref Unsafe.As<byte, uint>(ref slot[LinuxNative.Tpacket2Header.Status]);
}
