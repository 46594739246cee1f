// The writes to a VSI's record, each one etcd transaction guarded by the record's mod revision: a
// claim, an update, a release, marking it lost, and putting an owner key back. Two appliances acting
// on one record at once: exactly one transaction commits; the other re-reads and decides again.
using Etcdserverpb;
using Mvccpb;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using static Hairpin.Host.Qbg.Store.EtcdTxnOps;

namespace Hairpin.Host.Qbg.Store;

internal sealed class EtcdVsiTransactions(EtcdConnection connection, EtcdKeys keys, string appliance, Func<TimeSpan> clock, ILogger logger)
{
    /// <summary>A record changed under a transaction by its own owner (an update, a state) is retried this often before giving up.</summary>
    private const int Attempts = 3;

    /// <summary>The outcome and, when won, the revision it was won at (events of older revisions do not take it away).</summary>
    public async Task<(ClaimOutcome Outcome, long Revision)> ClaimAsync(VsiClaim claim, long lease, CancellationToken cancel)
    {
        string id = claim.Vsi.IdText;
        EtcdVsiEntry? before = null;
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            (KeyValue? current, before, long readRevision) = await ReadAsync(id, cancel).ConfigureAwait(false);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            string state = EtcdVsiEntry.StateOf(claim.Vsi.Request);
            string? from = before is { State: not EtcdVsiEntry.DeAssociated } ? before.Place : null;
            DateTimeOffset since = before is not null && before.Appliance == appliance && before.Port == claim.Port && before.State == state ? before.Since : now;
            var entry = new EtcdVsiEntry(appliance, claim.Port, state, since, claim.Vsi);
            var move = new VsiMove(now, from, $"{appliance}/{claim.Port}", claim.Request);
            var txn = new TxnRequest();
            txn.Compare.Add(Unchanged(keys.Vsi(id), current));
            txn.Success.Add(Put(keys.Vsi(id), entry.ToJson()));
            txn.Success.Add(Put(keys.Owner(id), appliance, lease));
            txn.Success.Add(Put(keys.HistoryEntry(id, current?.ModRevision ?? readRevision), VsiStoreJson.Text(VsiStoreJson.Write(move))));
            TxnResponse answer = await connection.TxnAsync(txn, cancel).ConfigureAwait(false);
            if (answer.Succeeded)
            {
                return (new ClaimOutcome.Won(from), answer.Header.Revision);
            }
            (_, EtcdVsiEntry? after, _) = await ReadAsync(id, cancel).ConfigureAwait(false);
            if (after is not null && (before is null || after.Appliance != before.Appliance || after.Port != before.Port))
            {
                return (new ClaimOutcome.Lost(after.Appliance, $"VSI {id} was claimed by {after.Place} at the same moment"), 0);
            }
        }
        return (new ClaimOutcome.Lost(before?.Appliance ?? "", $"VSI {id} kept changing under {Attempts} claims in a row"), 0);
    }

    /// <summary>Rewrites an owned VSI's record; false when this appliance no longer holds it (nothing written).</summary>
    public async Task<bool> UpdateAsync(PendingWrite.Update update, CancellationToken cancel)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            (KeyValue? current, EtcdVsiEntry? before, _) = await ReadAsync(update.VsiId, cancel).ConfigureAwait(false);
            if (current is null || before is null || before.Appliance != appliance || before.State == EtcdVsiEntry.DeAssociated)
            {
                return false;
            }
            string state = EtcdVsiEntry.StateOf(update.Vsi.Request);
            DateTimeOffset since = before.Port == update.Port && before.State == state ? before.Since : DateTimeOffset.UtcNow;
            var txn = new TxnRequest();
            txn.Compare.Add(Unchanged(keys.Vsi(update.VsiId), current));
            txn.Success.Add(Put(keys.Vsi(update.VsiId), new EtcdVsiEntry(appliance, update.Port, state, since, update.Vsi).ToJson()));
            if ((await connection.TxnAsync(txn, cancel).ConfigureAwait(false)).Succeeded)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>De-associates the VSI in the table and drops its owner key, if this appliance still holds it (on that port).</summary>
    public async Task<bool> ReleaseAsync(PendingWrite.Release release, CancellationToken cancel)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            (KeyValue? current, EtcdVsiEntry? before, _) = await ReadAsync(release.VsiId, cancel).ConfigureAwait(false);
            if (current is null || before is null || before.Appliance != appliance || before.State == EtcdVsiEntry.DeAssociated
                || (release.Port is not null && release.Port != before.Port))
            {
                return false;
            }
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var txn = new TxnRequest();
            txn.Compare.Add(Unchanged(keys.Vsi(release.VsiId), current));
            txn.Success.Add(Put(keys.Vsi(release.VsiId), (before with { State = EtcdVsiEntry.DeAssociated, Since = now }).ToJson()));
            txn.Success.Add(Delete(keys.Owner(release.VsiId)));
            txn.Success.Add(Put(keys.HistoryEntry(release.VsiId, current.ModRevision),
                VsiStoreJson.Text(VsiStoreJson.Write(new VsiMove(now, before.Place, "-", release.Reason)))));
            if ((await connection.TxnAsync(txn, cancel).ConfigureAwait(false)).Succeeded)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Marks the VSI lost if its record says it is held but its owner key is gone (its appliance's lease
    /// expired). Any appliance may do it; the transaction makes it happen once.
    /// </summary>
    public async Task<bool> MarkLostIfOrphanedAsync(string vsiId, CancellationToken cancel)
    {
        (KeyValue? current, EtcdVsiEntry? before, _) = await ReadAsync(vsiId, cancel).ConfigureAwait(false);
        if (current is null || before is null || !before.IsHeld)
        {
            return false;
        }
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var txn = new TxnRequest();
        txn.Compare.Add(Unchanged(keys.Vsi(vsiId), current));
        txn.Compare.Add(Absent(keys.Owner(vsiId)));
        txn.Success.Add(Put(keys.Vsi(vsiId), (before with { State = EtcdVsiEntry.Lost, Since = now }).ToJson()));
        txn.Success.Add(Put(keys.HistoryEntry(vsiId, current.ModRevision),
            VsiStoreJson.Text(VsiStoreJson.Write(new VsiMove(now, before.Place, "-", $"lost: {before.Appliance}'s lease expired")))));
        bool marked = (await connection.TxnAsync(txn, cancel).ConfigureAwait(false)).Succeeded;
        if (marked)
        {
            EtcdStoreLog.MarkedLost(logger, vsiId, before.Place);
        }
        return marked;
    }

    /// <summary>
    /// Puts this appliance's owner key back on <paramref name="lease"/> for a VSI whose record still
    /// names it (after a restart or a lost lease), restoring its state if it was marked lost meanwhile.
    /// Null when the record names another appliance (or none) now; otherwise the record and its revision.
    /// </summary>
    public async Task<(EtcdVsiEntry Entry, long Revision)?> ReownAsync(string vsiId, long lease, CancellationToken cancel)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            (KeyValue? current, EtcdVsiEntry? before, _) = await ReadAsync(vsiId, cancel).ConfigureAwait(false);
            if (current is null || before is null || before.Appliance != appliance || before.State == EtcdVsiEntry.DeAssociated)
            {
                return null;
            }
            EtcdVsiEntry entry = before.State == EtcdVsiEntry.Lost
                ? before with { State = EtcdVsiEntry.StateOf(before.Vsi.Request), Since = DateTimeOffset.UtcNow }
                : before;
            var txn = new TxnRequest();
            txn.Compare.Add(Unchanged(keys.Vsi(vsiId), current));
            txn.Success.Add(Put(keys.Owner(vsiId), appliance, lease));
            if (!ReferenceEquals(entry, before))
            {
                txn.Success.Add(Put(keys.Vsi(vsiId), entry.ToJson()));
            }
            TxnResponse answer = await connection.TxnAsync(txn, cancel).ConfigureAwait(false);
            if (answer.Succeeded)
            {
                return (entry, answer.Header.Revision);
            }
        }
        return null;
    }

    /// <summary>The record, its entry (null when absent or unreadable) and the revision of the read.</summary>
    private async Task<(KeyValue? Current, EtcdVsiEntry? Entry, long Revision)> ReadAsync(string vsiId, CancellationToken cancel)
    {
        RangeResponse read = await connection.GetAsync(keys.Vsi(vsiId), cancel).ConfigureAwait(false);
        KeyValue? current = read.Kvs.Count > 0 ? read.Kvs[0] : null;
        return (current, current is null ? null : TryEntry(current), read.Header.Revision);
    }

    public EtcdVsiEntry? TryEntry(KeyValue kv)
    {
        try
        {
            return EtcdVsiEntry.Read(kv.Value.ToStringUtf8(), clock());
        }
        catch (FormatException error)
        {
            EtcdStoreLog.Unreadable(logger, kv.Key.ToStringUtf8(), error.Message);
            return null;
        }
    }
}
