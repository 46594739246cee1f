// A kernel object that moves whole Ethernet frames through a file descriptor (a packet socket, a TAP),
// as the device transports see it: receive with a timeout, send without blocking, or learn it is gone.
namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: one thread calls <see cref="Receive"/>; <see cref="Send"/> is one non-blocking syscall
/// on the descriptor and may be called from the send pump and, while the port is attached directly
/// (PortQueues.AttachDirect), from the forwarding loop. Dispose runs after all of them have stopped.
/// </summary>
internal abstract class FrameDevice : IDisposable
{
    public enum Received
    {
        /// <summary>A frame is in the span, valid until the next Receive.</summary>
        Frame,
        /// <summary>Nothing arrived within the timeout (or nothing for us, e.g. our own transmission).</summary>
        Idle,
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

    /// <summary>Why the device is gone, once Receive or Send said so.</summary>
    public string? GoneReason { get; protected set; }

    public abstract Received Receive(int timeoutMilliseconds, out ReadOnlySpan<byte> frame);

    public abstract Sent Send(ReadOnlySpan<byte> frame);

    public abstract void Dispose();
}

/// <summary>The device cannot be opened now (missing, down, busy); the transport tries again later.</summary>
internal sealed class DeviceUnavailableException(string message) : Exception(message);
