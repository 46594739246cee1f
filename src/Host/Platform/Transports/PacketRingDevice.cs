// An afpacket port's device when it is read through a mapped receive ring (PacketRing, TPACKET_V2) and
// written with batched sendmmsg (PacketBatchSender, PACKET_QDISC_BYPASS). The forwarding thread reads
// the ring itself and copies each frame once, into a pooled FrameBuffer (ForwardingLoop). Send serves a
// frame sent through PortQueues before the forwarding thread has taken the device over (one by one).
//
// Frames leave through a second socket that only sends (bound with protocol 0, never in an epoll set):
// every sent frame, once the peer has consumed it, makes the kernel offer its sender write space, and on
// a socket someone waits on (the ring's, in the forwarding thread's epoll) that is a locked wake-up
// attempt per frame: about a tenth of the forwarding thread's time at 64-byte frames.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: as <see cref="FrameDevice"/>. <see cref="Ring"/> and <see cref="Sender"/> are used by one
/// thread at a time: the one that serves the device (the forwarding thread).
/// </summary>
internal sealed class PacketRingDevice : FrameDevice
{
    private readonly int _sendFd;

    private PacketRingDevice(PacketRing ring, int sendFd)
    {
        Ring = ring;
        InterfaceIndex = ring.InterfaceIndex;
        _sendFd = sendFd;
        Sender = new PacketBatchSender(sendFd);
    }

    public PacketRing Ring { get; }

    public PacketBatchSender Sender { get; }

    public string InterfaceName => Ring.InterfaceName;

    /// <exception cref="DeviceUnavailableException">No such interface, it is down, or the kernel refused the ring.</exception>
    public static PacketRingDevice Open(string interfaceName) => Open(interfaceName, new PacketRingOptions());

    /// <exception cref="DeviceUnavailableException">No such interface, it is down, or the kernel refused the ring.</exception>
    public static PacketRingDevice Open(string interfaceName, PacketRingOptions options)
    {
        PacketRing ring = PacketRing.Open(interfaceName, options);
        int fd = -1;
        try
        {
            fd = LinuxNative.socket(LinuxNative.AF_PACKET, LinuxNative.SOCK_RAW | LinuxNative.SOCK_CLOEXEC | LinuxNative.SOCK_NONBLOCK, 0);
            if (fd < 0)
            {
                throw new DeviceUnavailableException($"cannot open a sending packet socket for {interfaceName}: {LinuxNative.Describe(LinuxNative.LastError)}");
            }
            // Frames sent go straight to the driver: on veth (noqueue) the qdisc layer only costs.
            _ = PacketSocketBinding.TrySetOption(fd, LinuxNative.PACKET_QDISC_BYPASS, 1);
            PacketSocketBinding.BindForSending(fd, PacketSocketBinding.IndexOf(interfaceName), interfaceName);
            return new PacketRingDevice(ring, fd);
        }
        catch
        {
            if (fd >= 0)
            {
                LinuxNative.Close(fd);
            }
            ring.Dispose();
            throw;
        }
    }

    public override int Descriptor => Ring.Descriptor;

    /// <summary>True (with <see cref="FrameDevice.GoneReason"/>) when the socket reports an error: the interface went down or away.</summary>
    public bool TakeGone()
    {
        int error = Ring.TakeSocketError();
        if (error == 0)
        {
            return false;
        }
        GoneReason = error == LinuxNative.ENETDOWN
            ? $"{Ring.InterfaceName} went down or was removed"
            : $"receiving on {Ring.InterfaceName}: {LinuxNative.Describe(error)}";
        return true;
    }

    /// <summary>Marks the device gone after a send reported the interface gone.</summary>
    public void SendFoundGone() => GoneReason ??= $"{Ring.InterfaceName} went down or was removed";

    public override long TakeKernelDrops() => Ring.TakeKernelDrops();

    public override Sent Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
        {
            return Sent.Refused;
        }
        long sent = LinuxNative.send(_sendFd, ref MemoryMarshal.GetReference(frame), (nuint)frame.Length, LinuxNative.MSG_DONTWAIT);
        if (sent >= 0)
        {
            return Sent.Sent;
        }
        if (LinuxNative.LastError is LinuxNative.ENETDOWN or LinuxNative.ENXIO or LinuxNative.ENODEV)
        {
            SendFoundGone();
            return Sent.Gone;
        }
        return Sent.Refused;
    }

    public override void Dispose()
    {
        LinuxNative.Close(_sendFd);
        Ring.Dispose();
    }
}
