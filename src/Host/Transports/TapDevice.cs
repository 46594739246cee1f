// A TAP device (IFF_TAP | IFF_NO_PI: whole Ethernet frames, no packet-info header) opened through
// /dev/net/tun: created if missing, attached if it exists and is free, and brought up.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal sealed class TapDevice : FrameDevice
{
    /// <summary>Without IFF_VNET_HDR the kernel segments before handing frames over, but a jumbo MTU may be set.</summary>
    private const int ReceiveCapacity = 65536;
    private const string CloneDevice = "/dev/net/tun";

    private readonly int _fd;
    private readonly string _interface;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(ReceiveCapacity, pinned: true);

    private TapDevice(int fd, string interfaceName)
    {
        _fd = fd;
        _interface = interfaceName;
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

    public override void Dispose() => LinuxNative.Close(_fd);
}
