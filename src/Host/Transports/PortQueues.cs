// The meeting point of one port's transport (its own I/O thread or task) and the forwarding loop:
// frames in, frames out, and the signals that wake each side. The transport writes Inbound and
// calls FramesArrived; the loop writes Outbound and calls FramesToSend.
namespace Hairpin.Host.Transports;

public sealed class PortQueues : IDisposable
{
    private readonly SemaphoreSlim _toSend = new(0, int.MaxValue);
    private long _linkDowns;
    private long _outboundDroppedLinkDown;
    private long _outboundDroppedSendFailed;
    private long _protocolErrors;
    private volatile bool _up;
    private readonly Lock _directLock = new();
    private FrameDevice? _direct;   // a device the sender may write straight into (non-blocking), while up

    /// <param name="wakeForwarding">Set when frames arrive; the forwarding loop waits on it.</param>
    public PortQueues(string portName, int slots, int slotSize, ManualResetEventSlim wakeForwarding)
    {
        PortName = portName;
        Inbound = new FrameSlots(slots, slotSize);
        Outbound = new FrameSlots(slots, slotSize);
        WakeForwarding = wakeForwarding;
    }

    public string PortName { get; }
    /// <summary>Frames received from the wire, waiting for the forwarding loop.</summary>
    public FrameSlots Inbound { get; }
    /// <summary>Frames the bridge sends, waiting for the transport.</summary>
    public FrameSlots Outbound { get; }
    public ManualResetEventSlim WakeForwarding { get; }

    /// <summary>True while the peer is there (interface up, stream connected).</summary>
    public bool IsUp => _up;
    /// <summary>Times the link went from up to down.</summary>
    public long LinkDowns => Interlocked.Read(ref _linkDowns);
    /// <summary>Frames the bridge queued for this port while its peer was away (dropped, not sent).</summary>
    public long OutboundDroppedLinkDown => Interlocked.Read(ref _outboundDroppedLinkDown);
    /// <summary>Frames the peer's socket or device refused (too large, queue full, link administratively down).</summary>
    public long OutboundDroppedSendFailed => Interlocked.Read(ref _outboundDroppedSendFailed);
    /// <summary>Connections dropped because the peer broke the framing (stream: a length of 0 or over 69,632).</summary>
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);
    /// <summary>Last reason the link is down (for `link show`), or null.</summary>
    public string? DownReason { get; private set; } = "not started";

    /// <summary>Transport: a frame came in (queue it, then wake the loop).</summary>
    public bool Receive(ReadOnlySpan<byte> frame)
    {
        bool queued = Inbound.TryWrite(frame);
        WakeForwarding.Set();
        return queued;
    }

    /// <summary>Forwarding loop: a frame to send (queue it, then wake the transport).</summary>
    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (Volatile.Read(ref _direct) is not null && SendDirect(frame))
        {
            return true;
        }
        bool queued = Outbound.TryWrite(frame);
        if (queued)
        {
            _toSend.Release();
        }
        return queued;
    }

    /// <summary>Transport: waits until the loop has queued something to send (or cancellation).</summary>
    public Task WaitToSendAsync(CancellationToken cancellation) => _toSend.WaitAsync(cancellation);

    /// <summary>Transport: waits (blocking its own thread) until there is something to send or the timeout passes.</summary>
    public bool WaitToSend(TimeSpan timeout, CancellationToken cancellation) => _toSend.Wait(timeout, cancellation);

    public void Dispose() => _toSend.Dispose();

    /// <summary>
    /// Transport (the consumer of Outbound): drops and counts every frame queued for a peer that is not
    /// there. Called on the way down and while down, so the bridge never waits for an absent peer.
    /// </summary>
    public int DropOutboundLinkDown()
    {
        int dropped = Outbound.Clear();
        Interlocked.Add(ref _outboundDroppedLinkDown, dropped);
        return dropped;
    }

    /// <summary>Transport: the peer refused one frame (the link stays up).</summary>
    public void CountSendFailed() => Interlocked.Increment(ref _outboundDroppedSendFailed);

    /// <summary>Transport: the peer broke the framing and its connection was dropped.</summary>
    public void CountProtocolError() => Interlocked.Increment(ref _protocolErrors);

    /// <summary>
    /// Transport: frames may go straight into <paramref name="device"/> (its Send never blocks), saving
    /// the hand-off to the transport's send thread and its wake-up for every frame.
    /// </summary>
    internal void AttachDirect(FrameDevice device)
    {
        lock (_directLock)
        {
            _direct = device;
        }
    }

    /// <summary>Transport: before the device is closed; once this returns, no sender is inside it.</summary>
    internal void DetachDirect()
    {
        lock (_directLock)
        {
            _direct = null;
        }
    }

    /// <summary>False when no device is attached (any more): the caller queues the frame instead.</summary>
    private bool SendDirect(ReadOnlySpan<byte> frame)
    {
        lock (_directLock)
        {
            if (_direct is not FrameDevice device)
            {
                return false;
            }
            if (device.Send(frame) != FrameDevice.Sent.Sent)
            {
                CountSendFailed();   // refused, or gone: the receive side sees it go and takes the port down
            }
            return true;
        }
    }

    /// <summary>Transport: the peer is there.</summary>
    public void MarkUp()
    {
        DownReason = null;
        _up = true;
    }

    /// <summary>Transport: the peer went away (frames queued for it are dropped and counted by the caller).</summary>
    public void MarkDown(string reason)
    {
        if (_up)
        {
            Interlocked.Increment(ref _linkDowns);
        }
        _up = false;
        DownReason = reason;
    }
}
