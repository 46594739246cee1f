// An in-memory IPortTransport: what a test injects arrives in the port's Inbound queue as if from the
// wire, and whatever the vswitch sends out of the port is collected in Sent.
using System.Collections.Concurrent;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class MemoryTransport(AttachSpec attach) : IPortTransport
{
    private readonly TaskCompletionSource<PortQueues> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AttachSpec Attach => attach;
    public ConcurrentQueue<byte[]> Sent { get; } = new();
    public bool Disposed { get; private set; }
    /// <summary>Makes RunAsync return on its own, as a broken transport would.</summary>
    public bool QuitAtOnce { get; init; }

    public async Task RunAsync(PortQueues queues, CancellationToken cancellation)
    {
        queues.MarkUp();
        _running.TrySetResult(queues);
        if (QuitAtOnce)
        {
            return;
        }
        try
        {
            while (true)
            {
                await queues.WaitToSendAsync(cancellation).ConfigureAwait(false);
                while (queues.Outbound.TryPeek(out ReadOnlySpan<byte> frame))
                {
                    Sent.Enqueue(frame.ToArray());
                    queues.CountSent(1, frame.Length);   // as a real transport does once the peer has the frame
                    queues.Outbound.Release();
                }
            }
        }
        finally
        {
            queues.MarkDown("stopped");
        }
    }

    /// <summary>A frame from this port's peer (waits until the runtime has started the transport).</summary>
    public async Task InjectAsync(byte[] frame)
    {
        PortQueues queues = await _running.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        Assert.True(queues.Receive(frame), "inbound queue refused a test frame");
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
