// What this appliance has still to write to etcd (record updates, releases, counter segments), oldest
// first, with only the latest kept per key: while the store is away a VSI's counters are published
// once with their last value, not replayed. Thread-safe; the single writer takes from it.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Host.Qbg.Store;

internal abstract record PendingWrite(string VsiId)
{
    /// <summary>An owned VSI's record rewritten on the same port.</summary>
    public sealed record Update(string VsiId, string Port, VsiRecord Vsi) : PendingWrite(VsiId);

    /// <summary>The VSI let go from <paramref name="Port"/> (null: whatever port this appliance holds it on).</summary>
    public sealed record Release(string VsiId, string? Port, string Reason) : PendingWrite(VsiId);

    public sealed record Segment(string VsiId, VsiCountersSnapshot Counters) : PendingWrite(VsiId);

    /// <summary>The queue's key: a VSI's record writes replace each other, and so do its segments.</summary>
    public string Key => this is Segment ? "counters " + VsiId : "record " + VsiId;
}

internal sealed class EtcdPendingWrites : IDisposable
{
    private readonly Lock _lock = new();
    private readonly OrderedDictionary<string, PendingWrite> _writes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _writes.Count;
            }
        }
    }

    public void Add(PendingWrite write)
    {
        lock (_lock)
        {
            // Replaced writes go to the back: the order of the latest writes is kept.
            _writes.Remove(write.Key);
            _writes.Add(write.Key, write);
        }
        _signal.Release();
    }

    /// <summary>A claim supersedes the record writes queued for its VSI before it.</summary>
    public void DropRecordWrites(string vsiId)
    {
        lock (_lock)
        {
            _writes.Remove(new PendingWrite.Release(vsiId, null, "").Key);
        }
    }

    public bool TryPeekOldest(out PendingWrite write)
    {
        lock (_lock)
        {
            if (_writes.Count == 0)
            {
                write = null!;
                return false;
            }
            write = _writes.GetAt(0).Value;
            return true;
        }
    }

    /// <summary>Done with <paramref name="write"/>: removed unless a newer write for its key arrived meanwhile.</summary>
    public void Remove(PendingWrite write)
    {
        lock (_lock)
        {
            if (_writes.TryGetValue(write.Key, out PendingWrite? current) && ReferenceEquals(current, write))
            {
                _writes.Remove(write.Key);
            }
        }
    }

    public Task WaitAsync(CancellationToken cancel) => _signal.WaitAsync(cancel);

    public void Dispose() => _signal.Dispose();
}
