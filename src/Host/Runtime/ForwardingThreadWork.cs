// Work that must run on the forwarding thread (the engine is single-threaded: FDB edits, traces,
// counter snapshots taken consistently): queued by management requests, run between every two
// batches, a bounded number at a time (EngineStage, between batches).
using System.Collections.Concurrent;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Host.Runtime;

internal sealed class ForwardingThreadWork
{
    private readonly ConcurrentQueue<Action<BridgeEngine>> _queue = new();
    private readonly Action _wake;

    /// <param name="wake">Wakes the forwarding thread (PortReadiness.Wake).</param>
    public ForwardingThreadWork(Action wake) => _wake = wake;

    /// <summary>Runs <paramref name="work"/> on the forwarding thread and returns its result.</summary>
    public Task<T> Run<T>(Func<BridgeEngine, T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue(engine =>
        {
            try
            {
                done.SetResult(work(engine));
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
    public bool RunPending(BridgeEngine engine, int limit)
    {
        for (int done = 0; done < limit; done++)
        {
            if (!_queue.TryDequeue(out Action<BridgeEngine>? work))
            {
                return false;
            }
            work(engine);
        }
        return !_queue.IsEmpty;
    }
}
