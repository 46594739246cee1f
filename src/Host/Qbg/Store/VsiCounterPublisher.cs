// Publishes this appliance's counter segment of every VSI whose counts moved, once a second and once
// more when it stops, so the store's totals are at most a second behind and exact after a clean stop
// or a move (the plane publishes a VSI's segment itself the moment it leaves). Off the forwarding
// thread: the engine's VSI counters are readable from any thread, each value whole.
using Hairpin.Bridge.Core.Counters;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg.Store;

internal sealed partial class VsiCounterPublisher : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly IVsiStore _store;
    private readonly Func<IReadOnlyList<(string Vsi, VsiCounters Counters)>> _read;
    private readonly ILogger _log;
    private readonly Dictionary<string, (long Frames, long Bytes, long Dropped)> _published = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private VsiCounterPublisher(IVsiStore store, Func<IReadOnlyList<(string Vsi, VsiCounters Counters)>> read, ILogger log)
    {
        _store = store;
        _read = read;
        _log = log;
    }

    public static VsiCounterPublisher Start(IVsiStore store, Func<IReadOnlyList<(string Vsi, VsiCounters Counters)>> read, ILogger log)
    {
        var publisher = new VsiCounterPublisher(store, read, log);
        publisher._loop = Task.Run(publisher.RunAsync);
        return publisher;
    }

    /// <summary>Publishes the segments whose counts changed since the last time; returns how many.</summary>
    public int PublishChanged()
    {
        var changed = new List<VsiSegment>();
        foreach ((string vsi, VsiCounters counters) in _read())
        {
            var mark = (counters.RxFrames + counters.TxFrames, counters.RxBytes + counters.TxBytes, counters.DroppedTotal + counters.EgressDroppedTotal);
            if (_published.TryGetValue(vsi, out var last) && last == mark)
            {
                continue;
            }
            _published[vsi] = mark;
            changed.Add(new VsiSegment(vsi, counters.Snapshot()));
        }
        if (changed.Count > 0)
        {
            _store.PublishCounters(changed);
        }
        return changed.Count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        PublishChanged();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    PublishChanged();
                }
                catch (Exception error) when (error is InvalidOperationException or IOException)
                {
                    LogPublishFailed(error.Message);   // the store queues; a failure here must not end the loop
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: DisposeAsync publishes the last counts
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI counters not published this second: {Reason}")]
    private partial void LogPublishFailed(string reason);
}
