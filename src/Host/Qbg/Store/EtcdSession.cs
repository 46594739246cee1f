// What keeps this appliance in step with the shared store: a sync (take a lease, announce the
// appliance, read everything at one revision, put the owner keys of the VSIs it holds back, mark
// orphaned VSIs lost, raise what changed), then one watch from the next revision on. A broken stream
// resumes from the last revision seen; a compacted one, or a lost lease, syncs again.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using Hairpin.Host.Configuration;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace Hairpin.Host.Qbg.Store;

/// <summary>A VSI this appliance holds: its port, and the revision it was won at (older events do not take it away).</summary>
internal sealed record HeldVsi(string Port, long Revision);

internal sealed class EtcdSession(
    EtcdConnection connection, EtcdKeys keys, EtcdLease lease, EtcdVsiTransactions transactions, string appliance, string store,
    Action<VsiStoreEvent> raise, ILogger logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(300);

    private readonly EtcdWatch _watch = new(connection, keys);
    private readonly Lock _watchLock = new();
    private CancellationTokenSource? _watchStop;
    private string _typesText = EtcdSnapshot.TextOf([]);
    private long _nextRevision;
    private volatile bool _synced;

    public ConcurrentDictionary<string, HeldVsi> Held { get; } = new(StringComparer.Ordinal);

    /// <summary>Guards the step from a claim in flight to a held VSI against the watch's view of the same record.</summary>
    private readonly Lock _claimLock = new();
    private readonly EtcdClaimsInFlight _claims = new();

    /// <summary>A claim of <paramref name="vsiId"/> goes to etcd: what the watch sees of it meanwhile is kept.</summary>
    public void BeginClaim(string vsiId)
    {
        lock (_claimLock)
        {
            _claims.Begin(vsiId);
        }
    }

    /// <summary>
    /// The claim is answered: a win at <paramref name="won"/>'s revision makes the VSI held here, unless
    /// the watch already saw another appliance write its record after that revision; then the VSI is
    /// that appliance's, nothing is held, and its appliance and place are returned (the claim lost).
    /// </summary>
    public (string Appliance, string Place)? CompleteClaim(string vsiId, HeldVsi? won)
    {
        lock (_claimLock)
        {
            (string Appliance, string Place)? later = _claims.End(vsiId, won?.Revision ?? 0);
            if (won is not null && later is null)
            {
                Held[vsiId] = won;
            }
            return later;
        }
    }

    /// <summary>
    /// Reads the store and brings this appliance in line with it. <paramref name="opening"/>: the held
    /// VSIs are taken from the records naming this appliance, and nothing is raised (OpenAsync answers).
    /// </summary>
    public async Task<EtcdSnapshot> SyncAsync(bool opening, CancellationToken cancel)
    {
        long leaseId = lease.Id;
        if (leaseId == 0)
        {
            leaseId = await lease.GrantAsync(cancel).ConfigureAwait(false);
        }
        string since = VsiStoreJson.Text(new JsonObject { ["since"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
        await connection.PutAsync(keys.Appliance(appliance), since, leaseId, cancel).ConfigureAwait(false);
        EtcdSnapshot snapshot = await EtcdSnapshot.ReadAsync(connection, keys, transactions, logger, cancel).ConfigureAwait(false);
        if (opening)
        {
            foreach ((string id, (_, EtcdVsiEntry entry)) in snapshot.Records)
            {
                if (entry.Appliance == appliance && entry.State != EtcdVsiEntry.DeAssociated)
                {
                    Held[id] = new HeldVsi(entry.Port, 0);
                }
            }
        }
        foreach ((string id, HeldVsi held) in Held)
        {
            if (!snapshot.Records.TryGetValue(id, out (KeyValue Kv, EtcdVsiEntry Entry) record) || record.Entry.Appliance != appliance)
            {
                Drop(id, held, record.Entry?.Place);
                continue;
            }
            bool ownerKeyHeld = snapshot.Owners.TryGetValue(id, out KeyValue? owner) && owner.Lease == leaseId && owner.Value.ToStringUtf8() == appliance;
            if (!ownerKeyHeld || record.Entry.State == EtcdVsiEntry.Lost)
            {
                (EtcdVsiEntry Entry, long Revision)? reowned = await transactions.ReownAsync(id, leaseId, cancel).ConfigureAwait(false);
                if (reowned is null)
                {
                    Drop(id, held, null);
                }
            }
        }
        foreach ((string id, (_, EtcdVsiEntry entry)) in snapshot.Records)
        {
            if (entry.IsHeld && !Held.ContainsKey(id) && !snapshot.Owners.ContainsKey(id))
            {
                await transactions.MarkLostIfOrphanedAsync(id, cancel).ConfigureAwait(false);
            }
        }
        if (!opening && snapshot.TypesText != _typesText)
        {
            raise(new VsiStoreEvent.TypesChanged(snapshot.Types));
        }
        _typesText = snapshot.TypesText;
        Volatile.Write(ref _nextRevision, snapshot.Revision + 1);
        _synced = true;
        EtcdStoreLog.Synced(logger, store, snapshot.Revision, Held.Count);
        return snapshot;
    }

    /// <summary>Until <paramref name="stop"/>: sync when needed, watch, and start again when either breaks.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        bool reported = false;
        while (!stop.IsCancellationRequested)
        {
            if (connection.Health == StoreHealth.Connected)
            {
                reported = false;
            }
            using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
            lock (_watchLock)
            {
                _watchStop = watchStop;
            }
            try
            {
                if (!_synced)
                {
                    await SyncAsync(opening: false, watchStop.Token).ConfigureAwait(false);
                }
                long compacted = await _watch.RunAsync(Volatile.Read(ref _nextRevision), OnEventsAsync, watchStop.Token).ConfigureAwait(false);
                EtcdStoreLog.Compacted(logger, compacted);
                _synced = false;
            }
            catch (Exception error) when (error is IOException or HttpRequestException)
            {
                connection.Unanswered();
                if (!reported)
                {
                    EtcdStoreLog.Unreachable(logger, error.Message);
                    reported = true;
                }
                await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
            }
            catch (RpcException error)
            {
                if (EtcdConnection.IsLeaseGone(error))
                {
                    lease.Forget(lease.Id);
                    _synced = false;
                }
                else if (!reported)
                {
                    EtcdStoreLog.Unreachable(logger, error.Status.Detail);
                    reported = true;
                }
                await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // The watch was interrupted for a sync (the lease was lost): start again at once.
            }
            finally
            {
                lock (_watchLock)
                {
                    _watchStop = null;
                }
            }
        }
    }

    /// <summary>The keep-alive found the lease gone: sync again (a new lease, the owner keys put back).</summary>
    public void LeaseLost()
    {
        EtcdStoreLog.LeaseLost(logger);
        _synced = false;
        lock (_watchLock)
        {
            _watchStop?.Cancel();
        }
    }

    private async Task OnEventsAsync(IReadOnlyList<Event> events)
    {
        bool typesChanged = false;
        var orphaned = new List<string>();
        foreach (Event change in events)
        {
            (EtcdKeyKind kind, string id) = keys.Classify(change.Kv.Key.ToStringUtf8());
            if (kind == EtcdKeyKind.Type)
            {
                typesChanged = true;
            }
            else if (kind == EtcdKeyKind.Vsi && change.Type == Event.Types.EventType.Put
                && transactions.TryEntry(change.Kv) is { } entry && entry.Appliance != appliance)
            {
                HeldVsi? taken = null;
                lock (_claimLock)
                {
                    if (Held.TryGetValue(id, out HeldVsi? held))
                    {
                        taken = change.Kv.ModRevision > held.Revision ? held : null;
                    }
                    else
                    {
                        _claims.Observe(id, entry.Appliance, entry.Place, change.Kv.ModRevision);
                    }
                }
                if (taken is not null)
                {
                    Drop(id, taken, entry.Place);
                }
            }
            else if (kind == EtcdKeyKind.Owner && change.Type == Event.Types.EventType.Delete)
            {
                orphaned.Add(id);
            }
        }
        if (typesChanged)
        {
            (IReadOnlyList<VsiTypeConfig> types, string text) = await EtcdSnapshot.ReadTypesAsync(connection, keys, 0, logger, CancellationToken.None).ConfigureAwait(false);
            if (text != _typesText)
            {
                _typesText = text;
                raise(new VsiStoreEvent.TypesChanged(types));
            }
        }
        foreach (string id in orphaned)
        {
            await transactions.MarkLostIfOrphanedAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        // Only once every event is handled: a failure above replays them from the same revision.
        Volatile.Write(ref _nextRevision, events[^1].Kv.ModRevision + 1);
    }

    /// <summary>A held VSI is no longer this appliance's: forget it, and say so if another appliance has it.</summary>
    private void Drop(string id, HeldVsi held, string? newPlace)
    {
        if (!Held.TryRemove(new KeyValuePair<string, HeldVsi>(id, held)))
        {
            return;
        }
        if (newPlace is not null)
        {
            EtcdStoreLog.TakenElsewhere(logger, id, newPlace);
            raise(new VsiStoreEvent.TakenElsewhere(id, newPlace));
        }
    }
}
