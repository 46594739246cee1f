// The part every transport shares: one run at a time, the port marked down with "stopped" and its queued
// frames dropped when the run ends, cancellation as the normal way to end, and DisposeAsync stopping a run.
namespace Hairpin.Host.Transports;

/// <summary>
/// RunAsync may be called once at a time; DisposeAsync may be called from any thread and waits for the
/// run to end. Subclasses implement <see cref="RunUntilCancelledAsync"/>, which must keep retrying its
/// peer and may only end by throwing OperationCanceledException for <c>cancellation</c>.
/// </summary>
public abstract class PortTransport : IPortTransport
{
    private readonly CancellationTokenSource _disposing = new();
    private Task _running = Task.CompletedTask;
    private int _disposed;

    public abstract AttachSpec Attach { get; }

    /// <summary>Runs until <paramref name="cancellation"/> is cancelled or the transport is disposed; then returns (does not throw).</summary>
    public Task RunAsync(PortQueues queues, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_running.IsCompleted)
        {
            throw new InvalidOperationException($"{Attach.Describe()} is already running");
        }
        _running = RunGuardedAsync(queues, cancellation);
        return _running;
    }

    private async Task RunGuardedAsync(PortQueues queues, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, _disposing.Token);
        try
        {
            await Task.Yield();   // the caller gets its Task back before the first socket call
            await RunUntilCancelledAsync(queues, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The normal way to end.
        }
        finally
        {
            queues.MarkStopped();
            queues.DropOutboundLinkDown();
        }
    }

    protected abstract Task RunUntilCancelledAsync(PortQueues queues, CancellationToken cancellation);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _disposing.Dispose();
        GC.SuppressFinalize(this);
    }
}
