// A transport running against its own PortQueues for one test, served as the products serve their
// ports: by a forwarding thread of its own (PortReadiness, PortIo, the real ForwardingLoop) whose stage
// collects what arrived, in order, and sends what the test sends. Disposing stops the transport and the
// thread within a bound, whatever the test's outcome.
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class RunningPort : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte[]> _received = [];
    private readonly PortReadiness _readiness = PortReadiness.Create();
    private readonly CollectingStage _stage;
    private readonly ForwardingLoop _loop;
    private readonly Task _running;
    private bool _disposed;

    /// <param name="events">Where the port's link changes are logged (none by default).</param>
    public RunningPort(AttachSpec attach, int slots = 256, int slotSize = 2048, LinkEventLog? events = null)
    {
        Transport = TransportFactory.Create(attach);
        Queues = new PortQueues("test", slots, slotSize, _readiness.Wake, events);
        var io = new PortIo(_readiness, [Queues]);
        var pool = new FramePool(ForwardingLoop.BatchSize * 4, Math.Max(slotSize, 2048));
        _stage = new CollectingStage(Queues, pool, io.Wake);
        _loop = new ForwardingLoop(_stage, io, pool, TimeProvider.System, NullLogger.Instance);
        _loop.Start("test-forwarding", raisePriority: false, _stop.Token);
        _running = Transport.RunAsync(Queues, _stop.Token);
    }

    public IPortTransport Transport { get; }
    public PortQueues Queues { get; }
    public Task Running => _running;

    /// <summary>Every frame the forwarding loop received so far, in order (copies: tests may allocate).</summary>
    public IReadOnlyList<byte[]> Received
    {
        get
        {
            while (_stage.TryTakeReceived(out byte[] frame))
            {
                _received.Add(frame);
            }
            return _received;
        }
    }

    public async Task<byte[]> ReceiveAsync(Func<byte[], bool> match, string what, TimeSpan? timeout = null)
    {
        byte[]? found = null;
        await Eventually.TrueAsync(() => (found = Received.FirstOrDefault(match)) is not null, what, timeout);
        return found!;
    }

    public Task UpAsync(TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Queues.IsUp, $"{Transport.Attach.Describe()} up (down: {Queues.DownReason})", timeout);

    public Task DownAsync(TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => !Queues.IsUp, $"{Transport.Attach.Describe()} down", timeout);

    /// <summary>Sends <paramref name="frame"/> about every 200 ms until a received frame matches (a peer may need a moment to be ready).</summary>
    public async Task<byte[]> SendUntilAnsweredAsync(byte[] frame, Func<byte[], bool> answer, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Eventually.DefaultTimeout);
        while (DateTime.UtcNow < deadline)
        {
            Send(frame);
            for (int i = 0; i < 20; i++)
            {
                byte[]? found = Received.FirstOrDefault(answer);
                if (found is not null)
                {
                    return found;
                }
                await Task.Delay(10);
            }
        }
        Assert.Fail($"no answer within {(timeout ?? Eventually.DefaultTimeout).TotalSeconds:0.#} s: {what} (port up: {Queues.IsUp}, down reason: {Queues.DownReason})");
        return [];
    }

    /// <summary>Sent by the forwarding loop, waited for: true when the frame left or was queued; false when it was counted as lost (link down, queue full, refused).</summary>
    public bool Send(byte[] frame)
    {
        Task<bool> sent = _stage.Send(frame);
        Assert.True(sent.Wait(StopTimeout), "the forwarding thread did not send a test frame");
        return sent.Result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _stop.CancelAsync();
        await _running.WaitAsync(StopTimeout);
        await _loop.Ended.WaitAsync(StopTimeout);
        await Transport.DisposeAsync().AsTask().WaitAsync(StopTimeout);
        Queues.Dispose();
        _readiness.Dispose();
        _stop.Dispose();
    }
}
