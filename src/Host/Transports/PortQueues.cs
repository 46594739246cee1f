// The meeting point of one port's transport (its own I/O thread or task) and the forwarding loop:
// frames in, frames out, and the signals that wake each side. The transport writes Inbound and
// calls FramesArrived; the loop writes Outbound and calls FramesToSend.
namespace Hairpin.Host.Transports;

public sealed class PortQueues : IDisposable
{
    private readonly SemaphoreSlim _toSend = new(0, int.MaxValue);
    private long _linkDowns;
    private volatile bool _up;

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
