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

    public RunningPort(AttachSpec attach, int slots = 256, int slotSize = 2048)
    {
        Transport = TransportFactory.Create(attach);
        Queues = new PortQueues("test", slots, slotSize, _wake);
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

    public void Send(byte[] frame) => Assert.True(Queues.Send(frame), "Outbound refused a frame");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(StopTimeout);
        await Transport.DisposeAsync().AsTask().WaitAsync(StopTimeout);
        Queues.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }
}
