// The host's counters of one port, beside the engine's PortCounters: what the kernel (or stream peer)
// handed over or refused, what actually left, what was lost in between and why, and the link's ups
// and downs. Accounting (specs/transports.md):
//   RxFrames = engine rx + receive drops (rx-*) + frames still queued for the engine
//   engine queued (PortCounters.TxFrames) = TxFrames + send drops (tx-*) + frames still queued for the port
namespace Hairpin.Host.Transports;

/// <summary>
/// Each counter has one writer at a time: the receive side (the device poller, or a stream port's
/// receive pump), the send side (the forwarding thread for device ports, a stream port's send pump),
/// or the forwarding thread (rx-no-buffer). Drops and link events, which two threads may count, are
/// interlocked. Readers on any thread see whole 64-bit values, possibly a moment old. The receive and
/// send counters live on different cache lines, so the two sides do not slow each other down.
/// </summary>
public sealed class LinkCounters
{
    private const int RxFramesAt = 0;
    private const int RxBytesAt = 1;
    private const int TxFramesAt = 16;   // 128 bytes on: another cache line (and its adjacent-line prefetch)
    private const int TxBytesAt = 17;
    private const int DropsAt = 32;
    private const int LinkUpsAt = 48;
    private const int LinkDownsAt = 49;

    private readonly long[] _values = new long[LinkDownsAt + 1];

    /// <summary>Frames the peer sent us: handed over by the kernel (whatever became of them) plus those it dropped for our socket.</summary>
    public long RxFrames => Volatile.Read(ref _values[RxFramesAt]);
    /// <summary>Bytes of the frames handed over (the size of a frame the kernel dropped is not known).</summary>
    public long RxBytes => Volatile.Read(ref _values[RxBytesAt]);
    /// <summary>Frames that actually left: accepted by the socket, the tap, or written and flushed to the stream.</summary>
    public long TxFrames => Volatile.Read(ref _values[TxFramesAt]);
    public long TxBytes => Volatile.Read(ref _values[TxBytesAt]);
    /// <summary>Times the peer came (back): the first attach included, so LinkUps - LinkDowns is 1 while up.</summary>
    public long LinkUps => Volatile.Read(ref _values[LinkUpsAt]);
    /// <summary>Times the link went from up to down.</summary>
    public long LinkDowns => Volatile.Read(ref _values[LinkDownsAt]);

    public long Dropped(LinkDropReason reason) => Volatile.Read(ref _values[DropsAt + (int)reason]);

    /// <summary>Receive drops (rx-*), the host's share of RxFrames that never reached the engine.</summary>
    public long RxDroppedTotal => SumDrops(receive: true);
    /// <summary>Send drops (tx-*): frames the engine queued for the port that did not leave.</summary>
    public long TxDroppedTotal => SumDrops(receive: false);

    internal void CountReceived(int size)
    {
        _values[RxFramesAt]++;
        _values[RxBytesAt] += size;
    }

    /// <summary>Frames the kernel dropped for us: received (from the peer) and dropped in one step.</summary>
    internal void CountSocketDrops(long frames)
    {
        _values[RxFramesAt] += frames;
        Interlocked.Add(ref _values[DropsAt + (int)LinkDropReason.RxSocketDrop], frames);
    }

    /// <summary>A frame the stream peer announced with a length it cannot have: received (as far as it got) and dropped in one step.</summary>
    internal void CountProtocolError()
    {
        _values[RxFramesAt]++;
        Interlocked.Increment(ref _values[DropsAt + (int)LinkDropReason.RxProtocolError]);
    }

    internal void CountSent(int size)
    {
        _values[TxFramesAt]++;
        _values[TxBytesAt] += size;
    }

    internal void CountSent(int frames, long bytes)
    {
        _values[TxFramesAt] += frames;
        _values[TxBytesAt] += bytes;
    }

    public void CountDrop(LinkDropReason reason) => Interlocked.Increment(ref _values[DropsAt + (int)reason]);

    internal void CountDrops(LinkDropReason reason, long frames)
    {
        if (frames != 0)
        {
            Interlocked.Add(ref _values[DropsAt + (int)reason], frames);
        }
    }

    internal void CountLinkUp() => Interlocked.Increment(ref _values[LinkUpsAt]);

    internal void CountLinkDown() => Interlocked.Increment(ref _values[LinkDownsAt]);

    private long SumDrops(bool receive)
    {
        long total = 0;
        for (int reason = 0; reason < LinkDropReasons.Count; reason++)
        {
            if (LinkDropReasons.IsReceive((LinkDropReason)reason) == receive)
            {
                total += Dropped((LinkDropReason)reason);
            }
        }
        return total;
    }
}
