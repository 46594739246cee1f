// A transport running against its own PortQueues for one test, with what arrived collected in order;
// disposing stops the transport within a bound, whatever the test's outcome.
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class RunningPort : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte[]> _received = [];
    private readonly ManualResetEventSlim _wake = new();
    private readonly Task _running;
    private bool _disposed;

    /// <param name="events">Where the port's link changes are logged (none by default).</param>
    public RunningPort(AttachSpec attach, int slots = 256, int slotSize = 2048, LinkEventLog? events = null)
    {
        Transport = TransportFactory.Create(attach);
        Queues = new PortQueues("test", slots, slotSize, _wake, events);
        _running = Transport.RunAsync(Queues, _stop.Token);
    }

    public IPortTransport Transport { get; }
    public PortQueues Queues { get; }
    public Task Running => _running;

    /// <summary>Moves whatever is in Inbound into the list of received frames (copies: tests may allocate).</summary>
    public IReadOnlyList<byte[]> Received
    {
        get
        {
            while (Queues.Inbound.TryPeek(out ReadOnlySpan<byte> frame))
            {
                _received.Add(frame.ToArray());
                Queues.Inbound.Release();
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

    /// <summary>As the forwarding loop sends: true when the frame left or was queued; false when it was counted as lost (link down, queue full, refused).</summary>
    public bool Send(byte[] frame) => Queues.Send(frame);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _stop.CancelAsync();
        await _running.WaitAsync(StopTimeout);
        await Transport.DisposeAsync().AsTask().WaitAsync(StopTimeout);
        Queues.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }
}
