// A transport double for runtime unit tests: the test plays the peer, pushing frames in through the
// port's queues and taking what the bridge sends. Real transports are tested against the kernel.
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Infrastructure;

internal sealed class InMemoryTransport(AttachSpec attach) : IPortTransport
{
    private readonly TaskCompletionSource<PortQueues> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AttachSpec Attach { get; } = attach;

    public Task<PortQueues> Attached => _attached.Task;

    public async Task RunAsync(PortQueues queues, CancellationToken cancellation)
    {
        queues.MarkUp();
        _attached.SetResult(queues);
        await Task.Delay(Timeout.Infinite, cancellation).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        queues.MarkDown("stopped");
    }

    /// <summary>Frames the bridge sent to this peer so far (waits up to <paramref name="timeout"/> for at least <paramref name="atLeast"/>).</summary>
    public async Task<List<byte[]>> TakeSentAsync(int atLeast, TimeSpan timeout)
    {
        PortQueues queues = await Attached.ConfigureAwait(false);
        var sent = new List<byte[]>();
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            while (queues.Outbound.TryPeek(out ReadOnlySpan<byte> frame))
            {
                sent.Add(frame.ToArray());
                queues.CountSent(1, frame.Length);   // as a real transport does once the peer has the frame
                queues.Outbound.Release();
            }
            if (sent.Count >= atLeast || DateTime.UtcNow >= deadline)
            {
                return sent;
            }
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
