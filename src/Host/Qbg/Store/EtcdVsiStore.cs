// The VSI store shared by every appliance of a site, on etcd (specs/vsi-store.md): claims are
// transactions on a VSI record's revision, each appliance's lease marks its VSIs lost when it dies,
// a watch over the prefix tells this appliance when another took one of its VSIs or the types
// changed, and writes queue while etcd is away. Nothing here blocks the caller beyond a claim's
// short deadline.
using Etcdserverpb;
using Grpc.Core;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace Hairpin.Host.Qbg.Store;

/// <summary>
/// Threading: the public methods may be called from any thread. <see cref="Changed"/> is raised on the
/// store's own background task, one event at a time.
/// </summary>
public sealed class EtcdVsiStore : IVsiStore, ISharedTypeStore
{
    private readonly EtcdVsiStoreOptions _options;
    private readonly EtcdKeys _keys;
    private readonly EtcdConnection _connection;
    private readonly EtcdLease _lease;
    private readonly EtcdVsiTransactions _transactions;
    private readonly EtcdSession _session;
    private readonly EtcdPendingWrites _pending = new();
    private readonly EtcdWriter _writer;
    private readonly EtcdForgetter _forgetter;
    /// <summary>One record transaction of this appliance at a time: a claim never races a queued release of the same VSI.</summary>
    private readonly SemaphoreSlim _recordGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _background = [];
    private int _disposed;

    public EtcdVsiStore(EtcdVsiStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoints.Count == 0 || string.IsNullOrWhiteSpace(options.Appliance) || options.Appliance.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("an etcd store needs at least one endpoint and an appliance name without '/'", nameof(options));
        }
        _options = options;
        _keys = new EtcdKeys(options.Prefix);
        _connection = new EtcdConnection(options.Endpoints, options.RequestDeadline);
        _lease = new EtcdLease(_connection, options.LeaseTtl);
        _transactions = new EtcdVsiTransactions(_connection, _keys, options.Appliance, options.Clock, options.Logger);
        _session = new EtcdSession(_connection, _keys, _lease, _transactions, options.Appliance, Describe(), Raise, options.Logger);
        _writer = new EtcdWriter(_connection, _keys, options.Appliance, _pending, _transactions, _recordGate, options.Logger);
        _forgetter = new EtcdForgetter(_connection, _keys, _transactions, options.ForgetAfter, options.Logger);
    }

    public string Appliance => _options.Appliance;

    public bool SharedBySite => true;

    public StoreHealth Health => _connection.Health;

    public event EventHandler<VsiStoreEvent>? Changed;

    public string Describe() => $"etcd {string.Join(',', _options.Endpoints)} prefix {_keys.Root.TrimEnd('/')}";

    public async Task<StoreStartup> OpenAsync(CancellationToken cancel)
    {
        if (_background.Count > 0)
        {
            throw new InvalidOperationException("the store is open already");
        }
        StoreStartup startup;
        try
        {
            await SeedTypesAsync(cancel).ConfigureAwait(false);
            EtcdSnapshot snapshot = await _session.SyncAsync(opening: true, cancel).ConfigureAwait(false);
            startup = new StoreStartup(
                [.. _session.Held.Select(held => new OwnedVsi(held.Value.Port, snapshot.Records[held.Key].Entry.Vsi))],
                await ReadSegmentsAsync(snapshot.Revision, cancel).ConfigureAwait(false),
                snapshot.Types);
        }
        catch (RpcException error)
        {
            // Forwarding starts anyway; the session keeps trying and raises what it then finds.
            _connection.Unanswered();
            EtcdStoreLog.Unreachable(_options.Logger, error.Status.Detail);
            _session.Held.Clear();
            startup = new StoreStartup([], [], null);   // the YAML's types rule until the store's arrive (TypesChanged)
        }
        _background.Add(Task.Run(() => _session.RunAsync(_stop.Token), CancellationToken.None));
        _background.Add(Task.Run(() => _lease.KeepAliveAsync(_session.LeaseLost, _stop.Token), CancellationToken.None));
        _background.Add(Task.Run(() => _writer.RunAsync(_stop.Token), CancellationToken.None));
        _background.Add(Task.Run(() => _forgetter.RunAsync(_options.ForgetSweep, _stop.Token), CancellationToken.None));
        return startup;
    }

    /// <summary>Puts each of the YAML's types the store lacks (a transaction per type: absent, then put), so the first appliance defines them.</summary>
    private async Task SeedTypesAsync(CancellationToken cancel)
    {
        foreach (Hairpin.Host.Configuration.VsiTypeConfig type in _options.SeedTypes)
        {
            string key = _keys.Type(type.Id, type.Version);
            var txn = new TxnRequest();
            txn.Compare.Add(EtcdTxnOps.Absent(key));
            txn.Success.Add(EtcdTxnOps.Put(key, VsiStoreJson.Text(VsiStoreJson.Write(type))));
            await _connection.TxnAsync(txn, cancel).ConfigureAwait(false);
        }
    }

    public async Task<ClaimOutcome> ClaimAsync(VsiClaim claim, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(claim);
        long lease = _lease.Id;
        if (lease == 0)
        {
            return new ClaimOutcome.Unavailable($"the VSI store ({Describe()}) has not been reached yet");
        }
        if (!await _recordGate.WaitAsync(_options.RequestDeadline, cancel).ConfigureAwait(false))
        {
            return new ClaimOutcome.Unavailable($"the VSI store ({Describe()}) is not answering");
        }
        try
        {
            string id = claim.Vsi.IdText;
            _pending.DropRecordWrites(id);
            _session.BeginClaim(id);
            ClaimOutcome outcome;
            HeldVsi? won = null;
            (string Appliance, string Place)? later;
            try
            {
                (outcome, long revision) = await _transactions.ClaimAsync(claim, lease, cancel).ConfigureAwait(false);
                won = outcome is ClaimOutcome.Won ? new HeldVsi(claim.Port, revision) : null;
            }
            finally
            {
                later = _session.CompleteClaim(id, won);
            }
            // Another appliance wrote the record after this win, before etcd's answer came back: the VSI
            // is already theirs. Answered as lost, as a true race is (the station here is refused).
            return later is { } taken ? new ClaimOutcome.Lost(taken.Appliance, $"VSI {id} was claimed by {taken.Place} at the same moment") : outcome;
        }
        catch (RpcException error) when (EtcdConnection.IsLeaseGone(error))
        {
            _lease.Forget(lease);
            _session.LeaseLost();
            return new ClaimOutcome.Unavailable("this appliance's lease in the VSI store expired; it is being renewed");
        }
        catch (RpcException error)
        {
            return new ClaimOutcome.Unavailable($"the VSI store ({Describe()}) did not answer: {error.Status.Detail}");
        }
        finally
        {
            _recordGate.Release();
        }
    }

    public void Update(string port, VsiRecord vsi)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        string id = vsi.IdText;
        if (_session.Held.TryGetValue(id, out HeldVsi? held))
        {
            _session.Held.TryUpdate(id, held with { Port = port }, held);
        }
        _pending.Add(new PendingWrite.Update(id, port, vsi));
    }

    public void Release(string vsiId, string reason)
    {
        _session.Held.TryRemove(vsiId, out HeldVsi? held);
        _pending.Add(new PendingWrite.Release(vsiId, held?.Port, reason));
    }

    public void PublishCounters(IReadOnlyList<VsiSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        foreach (VsiSegment segment in segments)
        {
            _pending.Add(new PendingWrite.Segment(segment.VsiId, segment.Counters));
        }
    }

    public async Task<IReadOnlyList<StoredVsi>> ListAsync(CancellationToken cancel)
    {
        RangeResponse records = await _connection.PrefixAsync(_keys.Vsis, 0, cancel).ConfigureAwait(false);
        RangeResponse segments = await _connection.PrefixAsync(_keys.Counters, records.Header.Revision, cancel).ConfigureAwait(false);
        var bySegment = new Dictionary<string, Dictionary<string, VsiCountersSnapshot>>(StringComparer.Ordinal);
        foreach (KeyValue kv in segments.Kvs)
        {
            if (_keys.TrySplitSegment(kv.Key.ToStringUtf8(), out string vsiId, out string appliance) && ReadCounters(kv) is { } counters)
            {
                if (!bySegment.TryGetValue(vsiId, out Dictionary<string, VsiCountersSnapshot>? ofVsi))
                {
                    bySegment[vsiId] = ofVsi = new Dictionary<string, VsiCountersSnapshot>(StringComparer.Ordinal);
                }
                ofVsi[appliance] = counters;
            }
        }
        var list = new List<StoredVsi>();
        foreach (KeyValue kv in records.Kvs)
        {
            if (_transactions.TryEntry(kv) is { } entry)
            {
                string id = kv.Key.ToStringUtf8()[_keys.Vsis.Length..];
                IReadOnlyDictionary<string, VsiCountersSnapshot> ofVsi = bySegment.GetValueOrDefault(id) ?? [];
                list.Add(new StoredVsi(id, entry.Appliance, entry.Port, entry.State, VsiTypeRef.Of(entry.Vsi), VsiFilterEntry.Of(entry.Vsi.Filters),
                    entry.Since, ofVsi.Values.Aggregate(VsiCountersSnapshot.Empty, (sum, segment) => sum.Plus(segment))) { Segments = ofVsi });
            }
        }
        return list;
    }

    public async Task PutTypeAsync(VsiTypeConfig type, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(type);
        await _connection.PutAsync(_keys.Type(type.Id, type.Version), VsiStoreJson.Text(VsiStoreJson.Write(type)), 0, cancel).ConfigureAwait(false);
    }

    public async Task<bool> DeleteTypeAsync(int id, int version, CancellationToken cancel)
    {
        var delete = new DeleteRangeRequest { Key = EtcdKeys.Bytes(_keys.Type(id, version)) };
        DeleteRangeResponse answer = await _connection.CallAsync(options => _connection.Kv.DeleteRangeAsync(delete, options), cancel).ConfigureAwait(false);
        return answer.Deleted > 0;
    }

    /// <summary>Forgets now what a sweep at <paramref name="now"/> would (tests move time; the sweeps use the wall clock).</summary>
    internal Task<IReadOnlyList<string>> ForgetAsync(DateTimeOffset now, CancellationToken cancel) => _forgetter.ForgetAsync(now, cancel);

    public async Task<IReadOnlyList<VsiMove>> HistoryAsync(string vsiId, CancellationToken cancel)
    {
        RangeResponse read = await _connection.PrefixAsync(_keys.History(vsiId), 0, cancel).ConfigureAwait(false);
        var moves = new List<VsiMove>();
        foreach (KeyValue kv in read.Kvs)
        {
            try
            {
                moves.Add(VsiStoreJson.ReadMove(System.Text.Json.Nodes.JsonNode.Parse(kv.Value.ToStringUtf8())));
            }
            catch (Exception error) when (error is FormatException or System.Text.Json.JsonException)
            {
                EtcdStoreLog.Unreadable(_options.Logger, kv.Key.ToStringUtf8(), error.Message);
            }
        }
        return moves;
    }

    /// <summary>
    /// Stops the background work after a short attempt to write what is queued. The lease is not
    /// revoked: a restarted appliance finds its VSIs still its own, a dead one's expire after the TTL.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        DateTime deadline = DateTime.UtcNow + _options.RequestDeadline;
        while (_background.Count > 0 && _pending.Count > 0 && _connection.Health == StoreHealth.Connected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_background).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }
        _connection.Dispose();
        _stop.Dispose();
        _recordGate.Dispose();
        _pending.Dispose();
    }

    private async Task<IReadOnlyList<VsiSegment>> ReadSegmentsAsync(long revision, CancellationToken cancel)
    {
        RangeResponse read = await _connection.PrefixAsync(_keys.Counters, revision, cancel).ConfigureAwait(false);
        var segments = new List<VsiSegment>();
        foreach (KeyValue kv in read.Kvs)
        {
            if (_keys.TrySplitSegment(kv.Key.ToStringUtf8(), out string vsiId, out string appliance) && appliance == Appliance && ReadCounters(kv) is { } counters)
            {
                segments.Add(new VsiSegment(vsiId, counters));
            }
        }
        return segments;
    }

    private VsiCountersSnapshot? ReadCounters(KeyValue kv)
    {
        try
        {
            return VsiStoreJson.ReadCounters(System.Text.Json.Nodes.JsonNode.Parse(kv.Value.ToStringUtf8()));
        }
        catch (Exception error) when (error is FormatException or System.Text.Json.JsonException)
        {
            EtcdStoreLog.Unreadable(_options.Logger, kv.Key.ToStringUtf8(), error.Message);
            return null;
        }
    }

#pragma warning disable CA1031 // A subscriber's failure must not stop the store's watch: it is logged.
    private void Raise(VsiStoreEvent change)
    {
        try
        {
            Changed?.Invoke(this, change);
        }
        catch (Exception error)
        {
            EtcdStoreLog.SubscriberFailed(_options.Logger, error);
        }
    }
#pragma warning restore CA1031
}
