// A transport double for runtime tests of loops: two ends of one cable, each a port of the bridge,
// so whatever the bridge sends out of one end comes back in at the other (two ports joined by a
// veth pair, in memory). A frame the far end has no room for is lost, as on a wire.
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Infrastructure;

internal sealed class CableTransport : IPortTransport
{
    private readonly TaskCompletionSource<PortQueues> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CableTransport _far = null!;

    private CableTransport(AttachSpec attach) => Attach = attach;

    public AttachSpec Attach { get; }

    /// <summary>Frames carried from this end to the far one.</summary>
    public long Carried => Interlocked.Read(ref _carried);

    private long _carried;

    public static (CableTransport, CableTransport) Between(AttachSpec one, AttachSpec other)
    {
        var a = new CableTransport(one);
        var b = new CableTransport(other);
        (a._far, b._far) = (b, a);
        return (a, b);
    }

    public async Task RunAsync(PortQueues queues, CancellationToken cancellation)
    {
        queues.MarkUp();
        _attached.SetResult(queues);
        PortQueues far = await _far._attached.Task.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                await queues.WaitToSendAsync(cancellation).ConfigureAwait(false);
                Carry(queues, far);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        queues.MarkDown("stopped");
    }

    private void Carry(PortQueues queues, PortQueues far)
    {
        while (queues.Outbound.TryPeek(out ReadOnlySpan<byte> frame))
        {
            far.Receive(frame);
            queues.CountSent(1, frame.Length);   // on the wire, as a real transport counts it
            queues.Outbound.Release();
            Interlocked.Increment(ref _carried);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
