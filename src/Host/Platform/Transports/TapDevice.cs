// A TAP device (IFF_TAP | IFF_NO_PI: whole Ethernet frames, no packet-info header) opened through
// /dev/net/tun: created if missing, attached if it exists and is free, and brought up. Frames the kernel
// drops on their way to us (our queue full) are counted by it as the tap's tx_dropped, read from sysfs.
using System.Buffers.Text;
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal sealed class TapDevice : FrameByFrameDevice
{
    /// <summary>Without IFF_VNET_HDR the kernel segments before handing frames over, but a jumbo MTU may be set.</summary>
    private const int ReceiveCapacity = 65536;
    private const string CloneDevice = "/dev/net/tun";

    private readonly int _fd;
    private readonly string _interface;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(ReceiveCapacity, pinned: true);
    // /sys/class/net/TAP/statistics/tx_dropped, re-read with pread at offset 0; -1 when it cannot be opened.
    private readonly int _droppedFd;
    private readonly byte[] _number = GC.AllocateArray<byte>(24, pinned: true);
    private long _droppedSeen;

    private TapDevice(int fd, string interfaceName)
    {
        _fd = fd;
        _interface = interfaceName;
        _droppedFd = LinuxNative.Open($"/sys/class/net/{interfaceName}/statistics/tx_dropped", LinuxNative.O_RDONLY | LinuxNative.O_CLOEXEC);
        _droppedSeen = ReadDropped() ?? 0;
    }

    /// <exception cref="DeviceUnavailableException">No /dev/net/tun, no CAP_NET_ADMIN, or another process holds the tap.</exception>
    public static TapDevice Open(string interfaceName)
    {
        int fd = LinuxNative.Open(CloneDevice, LinuxNative.O_RDWR | LinuxNative.O_NONBLOCK | LinuxNative.O_CLOEXEC);
        if (fd < 0)
        {
            throw new DeviceUnavailableException($"cannot open {CloneDevice}: {LinuxNative.Describe(LinuxNative.LastError)}");
        }
        try
        {
            byte[] request = InterfaceRequest.New(interfaceName, LinuxNative.IFF_TAP | LinuxNative.IFF_NO_PI);
            if (LinuxNative.ioctl(fd, LinuxNative.TUNSETIFF, ref request[0]) != 0)
            {
                throw new DeviceUnavailableException($"cannot create or attach tap {interfaceName}: {LinuxNative.Describe(LinuxNative.LastError)}");
            }
            int upError = InterfaceRequest.SetUp(interfaceName);
            if (upError != 0)
            {
                throw new DeviceUnavailableException($"cannot bring tap {interfaceName} up: {LinuxNative.Describe(upError)}");
            }
            return new TapDevice(fd, interfaceName);
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
        long length = LinuxNative.read(_fd, ref _buffer[0], (nuint)_buffer.Length);
        if (length > 0)
        {
            frame = _buffer.AsSpan(0, (int)length);
            return Received.Frame;
        }
        int errno = length < 0 ? LinuxNative.LastError : LinuxNative.EBADFD;
        if (errno is LinuxNative.EAGAIN or LinuxNative.EINTR)
        {
            return Received.Idle;
        }
        GoneReason = errno == LinuxNative.EBADFD
            ? $"tap {_interface} was removed"
            : $"reading tap {_interface}: {LinuxNative.Describe(errno)}";
        return Received.Gone;
    }

    public override Sent Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
        {
            return Sent.Refused;
        }
        long written = LinuxNative.write(_fd, ref MemoryMarshal.GetReference(frame), (nuint)frame.Length);
        if (written >= 0)
        {
            return Sent.Sent;
        }
        int errno = LinuxNative.LastError;
        if (errno == LinuxNative.EBADFD)
        {
            GoneReason = $"tap {_interface} was removed";
            return Sent.Gone;
        }
        return Sent.Refused;   // EIO while the tap is administratively down, EINVAL for a bad frame, ...
    }

    /// <summary>
    /// The rise of the tap's tx_dropped since the last call: frames the kernel could not queue for us.
    /// Nothing once the tap has left our namespace (its sysfs node is gone; the kernel still counts).
    /// </summary>
    public override long TakeKernelDrops()
    {
        if (ReadDropped() is not long dropped || dropped <= _droppedSeen)
        {
            return 0;
        }
        long drops = dropped - _droppedSeen;
        _droppedSeen = dropped;
        return drops;
    }

    private long? ReadDropped()
    {
        if (_droppedFd < 0)
        {
            return null;
        }
        long length = LinuxNative.pread(_droppedFd, ref _number[0], (nuint)_number.Length, 0);
        return length > 0 && Utf8Parser.TryParse(_number.AsSpan(0, (int)length), out long value, out _) ? value : null;
    }

    public override void Dispose()
    {
        LinuxNative.Close(_fd);
        if (_droppedFd >= 0)
        {
            LinuxNative.Close(_droppedFd);
        }
    }
}
