// The smallest program a test can put on the real forwarding thread (ForwardingLoop) over one port:
// every frame the loop gathers is copied out and kept for the test, and frames the test sends leave
// through the port exactly as a program's do (PortIo.Transmit from an egress queue, on the forwarding
// thread). So a transport under test is served the way both products serve it, not by a test double.
using System.Collections.Concurrent;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Infrastructure;

/// <summary>Threading: the IForwardingStage members on the forwarding thread; <see cref="TryTakeReceived"/> and <see cref="Send"/> from any thread.</summary>
public sealed class CollectingStage(PortQueues port, FramePool pool, Action wake) : IForwardingStage
{
    private const int PortIndex = 0;
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly ConcurrentQueue<PendingSend> _toSend = new();
    private readonly EgressScheduler _egress = new(new EgressSchedulerConfig(), TimeProvider.System, 1024);

    /// <summary>The next frame the loop received (a copy), in order.</summary>
    public bool TryTakeReceived(out byte[] frame) => _received.TryDequeue(out frame!);

    /// <summary>
    /// Hands <paramref name="frame"/> to the forwarding thread, which sends it through the port; completes
    /// with true when it left or was queued, false when the port counted it as lost (link down, queue full, refused).
    /// </summary>
    public Task<bool> Send(byte[] frame)
    {
        var pending = new PendingSend(frame);
        _toSend.Enqueue(pending);
        wake();
        return pending.Done.Task;
    }

    public void Process(Span<FrameBuffer> batch)
    {
        foreach (FrameBuffer frame in batch)
        {
            _received.Enqueue(frame.Span.ToArray());
            pool.Release(frame);
        }
    }

    public bool Transmit(PortIo io)
    {
        while (_toSend.TryDequeue(out PendingSend? pending))
        {
            if (!pool.TryRent(out FrameBuffer? buffer) || !buffer.TryCopyFrom(pending.Frame))
            {
                pending.Done.TrySetException(new InvalidOperationException($"a test frame of {pending.Frame.Length} bytes does not fit the test's frame pool"));
                continue;
            }
            long lostBefore = port.Counters.TxDroppedTotal;
            if (!_egress.TryEnqueue(buffer, 0))
            {
                pool.Release(buffer);
                pending.Done.TrySetException(new InvalidOperationException("the test's egress queue is full"));
                continue;
            }
            _ = io.Transmit(PortIndex, _egress, pool);   // backed up: it stays queued and leaves on a later turn
            pending.Done.TrySetResult(port.Counters.TxDroppedTotal == lostBefore);
        }
        return io.Transmit(PortIndex, _egress, pool);
    }

    public bool ServeControl() => false;

    public TimeSpan UntilNextTimer() => Timeout.InfiniteTimeSpan;

    public void BeginStop()
    {
    }

    public bool IsStopping => false;

    public void Stopped()
    {
    }

    private sealed class PendingSend(byte[] frame)
    {
        public byte[] Frame { get; } = frame;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
