// An afpacket port's device when it is read through a PacketRing instead of recvmsg: the DevicePoller
// walks the ring's blocks and copies each frame once, into the port's Inbound, with no syscall per
// frame. Sends stay one non-blocking send(2) per frame on the ring's socket (PACKET_QDISC_BYPASS).
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

/// <summary>Threading: as <see cref="FrameDevice"/>; the poller's thread calls <see cref="ReceiveBurst"/>.</summary>
internal sealed class PacketRingDevice : FrameDevice
{
    private readonly PacketRing _ring;

    private PacketRingDevice(PacketRing ring) => _ring = ring;

    /// <exception cref="DeviceUnavailableException">No such interface, it is down, or the kernel refused the ring.</exception>
    public static PacketRingDevice Open(string interfaceName) => new(PacketRing.Open(interfaceName, new PacketRingOptions()));

    public override int Descriptor => _ring.Descriptor;

    /// <summary>Not used: the poller takes whole bursts with <see cref="ReceiveBurst"/>.</summary>
    public override Received TryReceive(out ReadOnlySpan<byte> frame)
    {
        frame = default;
        return Received.Idle;
    }

    /// <summary>
    /// Up to <paramref name="burst"/> frames into <paramref name="queues"/>; returns how many frames were
    /// handed on, or -1 when the interface is gone (see GoneReason) and the ring holds nothing more.
    /// </summary>
    public int ReceiveBurst(PortQueues queues, int burst)
    {
        var sink = new InboundSink(queues);
        int handed = _ring.Read(ref sink, burst);
        if (handed > 0)
        {
            return handed;
        }
        int error = _ring.TakeSocketError();
        if (error == 0)
        {
            return 0;
        }
        GoneReason = error == LinuxNative.ENETDOWN
            ? $"{_ring.InterfaceName} went down or was removed"
            : $"receiving on {_ring.InterfaceName}: {LinuxNative.Describe(error)}";
        return -1;
    }

    public override long TakeKernelDrops() => _ring.TakeKernelDrops();

    public override Sent Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
        {
            return Sent.Refused;
        }
        long sent = LinuxNative.send(_ring.Descriptor, ref MemoryMarshal.GetReference(frame), (nuint)frame.Length, LinuxNative.MSG_DONTWAIT);
        if (sent >= 0)
        {
            return Sent.Sent;
        }
        int errno = LinuxNative.LastError;
        if (errno is LinuxNative.ENETDOWN or LinuxNative.ENXIO or LinuxNative.ENODEV)
        {
            GoneReason = $"{_ring.InterfaceName} went down or was removed";
            return Sent.Gone;
        }
        return Sent.Refused;
    }

    public override void Dispose() => _ring.Dispose();

    /// <summary>Each ring frame copied into Inbound, counted as received (or lost by reason) there.</summary>
    private readonly struct InboundSink(PortQueues queues) : IRingFrameSink
    {
        public void Take(ReadOnlySpan<byte> frame) => queues.Deliver(frame);

        public void TakeTooBig(int size) => queues.ReceivedTooBig(size);
    }
}
