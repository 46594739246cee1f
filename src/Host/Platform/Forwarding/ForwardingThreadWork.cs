// Work that must run on the forwarding thread (what the stage owns is single-threaded: the appliance's
// FDB edits, traces, counter snapshots taken consistently): queued by management requests and other
// threads, run by the ForwardingLoop between every two batches, a bounded number at a time.
using System.Collections.Concurrent;

namespace Hairpin.Host.Forwarding;

/// <summary>Threading: <see cref="Run"/> from any thread; <see cref="RunPending"/> from the forwarding thread only.</summary>
public sealed class ForwardingThreadWork
{
    private readonly ConcurrentQueue<Action> _queue = new();
    private readonly Action _wake;

    /// <param name="wake">Wakes the forwarding thread (PortIo.Wake, PortReadiness.Wake).</param>
    public ForwardingThreadWork(Action wake) => _wake = wake;

    /// <summary>Runs <paramref name="work"/> on the forwarding thread and returns its result.</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue(() =>
        {
            try
            {
                done.SetResult(work());
            }
#pragma warning disable CA1031 // the caller gets the exception through its task; the forwarding thread must go on
            catch (Exception error)
#pragma warning restore CA1031
            {
                done.SetException(error);
            }
        });
        _wake();
        return done.Task;
    }

    /// <summary>
    /// Forwarding thread: runs up to <paramref name="limit"/> queued items, so that neither a storm of
    /// frames nor a storm of requests shuts the other out. True when more are waiting.
    /// </summary>
    public bool RunPending(int limit)
    {
        for (int done = 0; done < limit; done++)
        {
            if (!_queue.TryDequeue(out Action? work))
            {
                return false;
            }
            work();
        }
        return !_queue.IsEmpty;
    }
}
