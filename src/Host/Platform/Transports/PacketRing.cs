// A packet socket bound to one interface whose received frames the kernel writes into a TPACKET_V3
// ring mapped into this process (PACKET_MMAP): no recvmsg and no copy per frame. The kernel fills a
// block with frames back to back and hands it over (TP_STATUS_USER) when it is full or its retire
// timeout ends; the reader walks the block's frames, then gives the block back (TP_STATUS_KERNEL).
// While every block is held by user space the kernel drops what arrives and counts it
// (PACKET_STATISTICS). As with AfPacketSocket, the kernel's VLAN offload leaves the 802.1Q/802.1ad tag
// beside the frame (tp_vlan_tci, tp_vlan_tpid), and it is put back in place, in the room the kernel
// leaves before the frame, so a tagged frame is handed on tagged. Sending uses the same socket
// (PacketBatchSender).
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
    private const int PacketTypeOffset = LinuxNative.Tpacket3Header.AddressOffset + 10;   // sockaddr_ll.sll_pkttype
    private const int TpDropsOffset = 4;

    private readonly int _fd;
    private readonly nint _ring;
    private readonly PacketRingOptions _options;
    private readonly string _interface;
    private readonly byte[] _statistics = new byte[LinuxNative.TpacketStatsV3Size];
    private byte[]? _retagged;      // only when the kernel left no room before a tagged frame (never seen with Ethernet)
    private int _block;             // the block the reader is in or waits for; blocks are handed over in order
    private int _framesLeft;        // frames of _block not yet read, once it is user space's
    private int _frameOffset;       // where the next frame's tpacket3_hdr starts in _block
    private bool _holdingBlock;
    private int _disposed;

    private PacketRing(int fd, nint ring, PacketRingOptions options, string interfaceName)
    {
        _fd = fd;
        _ring = ring;
        _options = options;
        _interface = interfaceName;
    }

    /// <summary>The socket's descriptor: readable while a block is user space's, in error when the interface goes.</summary>
    public int Descriptor => _fd;

    public string InterfaceName => _interface;

    /// <summary>Frames handed to a sink since the ring was opened.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Frames cut short because they did not fit in a block (handed to the sink as TakeTooBig).</summary>
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
            PacketSocketBinding.SetOption(fd, LinuxNative.PACKET_VERSION, LinuxNative.TPACKET_V3, "TPACKET_V3", interfaceName);
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
            return new PacketRing(fd, ring, options, interfaceName);
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
        Span<byte> request = stackalloc byte[LinuxNative.TpacketReq3Size];
        request.Clear();   // tp_sizeof_priv and tp_feature_req_word stay 0
        BinaryPrimitives.WriteInt32LittleEndian(request, options.BlockSize);
        BinaryPrimitives.WriteInt32LittleEndian(request[4..], options.BlockCount);
        BinaryPrimitives.WriteInt32LittleEndian(request[8..], options.FrameSize);
        BinaryPrimitives.WriteInt32LittleEndian(request[12..], options.BlockSize / options.FrameSize * options.BlockCount);
        BinaryPrimitives.WriteInt32LittleEndian(request[16..], options.RetireTimeoutMilliseconds);
        if (LinuxNative.setsockopt(fd, LinuxNative.SOL_PACKET, LinuxNative.PACKET_RX_RING, ref MemoryMarshal.GetReference(request), LinuxNative.TpacketReq3Size) != 0)
        {
            throw PacketSocketBinding.Unavailable("set up a receive ring on", interfaceName);
        }
    }

    /// <summary>
    /// Hands up to <paramref name="budget"/> frames, in the order the kernel received them, to
    /// <paramref name="sink"/>, giving each block back once all its frames are read; returns how many
    /// frames (and too-big frames) it handed on. A block left part-read is resumed by the next call.
    /// Never blocks: 0 means nothing waits.
    /// </summary>
    public int Read<TSink>(ref TSink sink, int budget)
        where TSink : IRingFrameSink, allows ref struct
    {
        int handed = 0;
        while (handed < budget)
        {
            if (!_holdingBlock && !TryTakeBlock())
            {
                break;
            }
            Span<byte> block = Block(_block);
            while (_framesLeft > 0 && handed < budget)
            {
                Span<byte> header = block[_frameOffset..];
                int next = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[LinuxNative.Tpacket3Header.NextOffset..]);
                HandOn(block, _frameOffset, ref sink, ref handed);
                _frameOffset += next;   // 0 after the last frame, which ends the block anyway
                _framesLeft--;
            }
            if (_framesLeft == 0)
            {
                GiveBack();
            }
        }
        return handed;
    }

    /// <summary>Frames the kernel dropped because every block was ours, since the last call (it resets on read).</summary>
    public long TakeKernelDrops()
    {
        uint size = LinuxNative.TpacketStatsV3Size;
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

    private bool TryTakeBlock()
    {
        Span<byte> block = Block(_block);
        // Acquire: the kernel publishes the status after the block's frames; reading it first orders those reads after.
        uint status = Volatile.Read(ref StatusOf(block));
        if ((status & LinuxNative.TP_STATUS_USER) == 0)
        {
            return false;
        }
        _framesLeft = (int)BinaryPrimitives.ReadUInt32LittleEndian(block[LinuxNative.BlockDescriptor.PacketCount..]);
        _frameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(block[LinuxNative.BlockDescriptor.FirstPacketOffset..]);
        _holdingBlock = true;
        return true;
    }

    private void GiveBack()
    {
        // Release: every read of the block's frames (and our writes restoring tags) completes before the kernel may reuse it.
        Volatile.Write(ref StatusOf(Block(_block)), LinuxNative.TP_STATUS_KERNEL);
        _holdingBlock = false;
        _block = _block + 1 == _options.BlockCount ? 0 : _block + 1;
    }

    private void HandOn<TSink>(Span<byte> block, int offset, ref TSink sink, ref int handed)
        where TSink : IRingFrameSink, allows ref struct
    {
        Span<byte> header = block[offset..];
        if (header[PacketTypeOffset] == LinuxNative.PACKET_OUTGOING)
        {
            return;   // our own transmission, on a kernel without PACKET_IGNORE_OUTGOING
        }
        int snapLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[LinuxNative.Tpacket3Header.SnapLength..]);
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[LinuxNative.Tpacket3Header.Length..]);
        handed++;
        if (length > snapLength)
        {
            FramesTooBig++;
            sink.TakeTooBig(length);
            return;
        }
        int mac = BinaryPrimitives.ReadUInt16LittleEndian(header[LinuxNative.Tpacket3Header.MacOffset..]);
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(header[LinuxNative.Tpacket3Header.Status..]);
        FramesRead++;
        if ((status & LinuxNative.TP_STATUS_VLAN_VALID) == 0 || snapLength < AddressesSize)
        {
            sink.Take(header.Slice(mac, snapLength));   // a runt goes on too: the engine counts it as malformed
            return;
        }
        ushort tci = (ushort)BinaryPrimitives.ReadUInt32LittleEndian(header[LinuxNative.Tpacket3Header.VlanTci..]);
        ushort tpid = (status & LinuxNative.TP_STATUS_VLAN_TPID_VALID) != 0
            ? BinaryPrimitives.ReadUInt16LittleEndian(header[LinuxNative.Tpacket3Header.VlanTpid..])
            : Ieee8021QTpid;
        sink.Take(WithTag(header, mac, snapLength, tpid, tci));
    }

    /// <summary>The frame with its tag back after the MACs: in place when the kernel left room before it (the MACs move 4 bytes back).</summary>
    private Span<byte> WithTag(Span<byte> header, int mac, int snapLength, ushort tpid, ushort tci)
    {
        Span<byte> tagged;
        if (mac - TagSize >= LinuxNative.Tpacket3Header.SizeWithAddress)
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
    private byte[] RetagBuffer() => _retagged ??= new byte[_options.BlockSize + TagSize];

    /// <summary>
    /// One block of the mapping as a span. The Host builds without unsafe blocks, so the mapping's
    /// address becomes a reference by offsetting a null one: exactly a pointer, bounded by the block.
    /// </summary>
    private Span<byte> Block(int block) =>
        MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref Unsafe.NullRef<byte>(), _ring + ((nint)block * _options.BlockSize)), _options.BlockSize);

    private static ref uint StatusOf(Span<byte> block) =>
        ref Unsafe.As<byte, uint>(ref block[LinuxNative.BlockDescriptor.BlockStatus]);
}
