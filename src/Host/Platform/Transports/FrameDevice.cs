// A kernel object that moves whole Ethernet frames through a file descriptor (a packet socket, a TAP),
// as the device transports see it: a non-blocking receive (the forwarding thread waits for all devices
// at once, PortIo), a non-blocking send, the kernel's count of frames it dropped for us, or word that it is gone.
namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: the forwarding thread (PortIo) reads it (FrameByFrameDevice.TryReceive, or a ring in place), calls <see cref="TakeKernelDrops"/>
/// and <see cref="Send"/> (a non-blocking syscall; under PortQueues' device lock when it goes through
/// PortQueues). Dispose runs after both have let go of the device (PortIo has let go of it, PortQueues
/// has detached it).
/// </summary>
internal abstract class FrameDevice : IDisposable
{
    public enum Received
    {
        /// <summary>A frame is in the span, valid until the next TryReceive.</summary>
        Frame,
        /// <summary>Nothing waits: the device is drained.</summary>
        Idle,
        /// <summary>A frame that is not the port's to count (our own transmission); more may wait.</summary>
        Skipped,
        /// <summary>A frame was handed over but was larger than the receive buffer; its size is in TooBigSize.</summary>
        TooBig,
        /// <summary>The device went away or down: see <see cref="GoneReason"/>.</summary>
        Gone,
    }

    public enum Sent
    {
        Sent,
        /// <summary>This frame was refused (too large, queue full, link administratively down); the device stays.</summary>
        Refused,
        /// <summary>The device went away or down: see <see cref="GoneReason"/>.</summary>
        Gone,
    }

    /// <summary>The descriptor the poller waits on (readable: frames; error: gone).</summary>
    public abstract int Descriptor { get; }

    /// <summary>The Linux interface the device is bound to (a packet socket's), whose carrier its port follows; 0 for none (a tap is its own carrier).</summary>
    public int InterfaceIndex { get; protected init; }

    /// <summary>Why the device is gone, once a read or Send said so.</summary>
    public string? GoneReason { get; protected set; }

    /// <summary>Frames the kernel dropped for this device since the last call (0 where it does not say).</summary>
    public virtual long TakeKernelDrops() => 0;

    public abstract Sent Send(ReadOnlySpan<byte> frame);

    public abstract void Dispose();
}

/// <summary>
/// A device read one frame per call (a tap, a plain packet socket). A ring-backed device is not one: the
/// forwarding thread reads its ring in place (PortIo), so it has no frame-by-frame path to keep alive.
/// </summary>
internal abstract class FrameByFrameDevice : FrameDevice
{
    /// <summary>The size of the frame TryReceive last reported as TooBig.</summary>
    public int TooBigSize { get; protected set; }

    /// <summary>Takes one frame if one waits; never blocks.</summary>
    public abstract Received TryReceive(out ReadOnlySpan<byte> frame);
}

/// <summary>The device cannot be opened now (missing, down, busy); the transport tries again later.</summary>
internal sealed class DeviceUnavailableException(string message) : Exception(message);
