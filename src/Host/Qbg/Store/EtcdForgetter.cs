// The etcd store's forgetting (specs/vsi-store.md): a VSI de-associated or lost for longer than
// forget_after goes, with every appliance's counter segment and its moves. One transaction per VSI,
// guarded by the record's revision and the absence of an owner key: every appliance of a site sweeps,
// and a VSI claimed again meanwhile stays.
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace Hairpin.Host.Qbg.Store;

internal sealed class EtcdForgetter(EtcdConnection connection, EtcdKeys keys, EtcdVsiTransactions transactions, TimeSpan forgetAfter, ILogger logger)
{
    /// <summary>Sweeps once at start and then every <paramref name="sweep"/>; etcd being away only delays the next sweep.</summary>
    public async Task RunAsync(TimeSpan sweep, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                try
                {
                    await ForgetAsync(DateTimeOffset.UtcNow, stop).ConfigureAwait(false);
                }
                catch (Exception error) when (error is RpcException or IOException or HttpRequestException)
                {
                    // The session reports etcd's absence; the next sweep tries again.
                }
                await Task.Delay(sweep, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: each VSI's forgetting is one transaction, nothing is half done.
        }
    }

    /// <summary>Forgets every VSI whose record says de-associated or lost since at least forget_after before <paramref name="now"/>; the VSIs this call forgot.</summary>
    public async Task<IReadOnlyList<string>> ForgetAsync(DateTimeOffset now, CancellationToken cancel)
    {
        RangeResponse records = await connection.PrefixAsync(keys.Vsis, 0, cancel).ConfigureAwait(false);
        var forgotten = new List<string>();
        foreach (KeyValue kv in records.Kvs)
        {
            if (transactions.TryEntry(kv) is not { } entry || entry.IsHeld || now - entry.Since < forgetAfter)
            {
                continue;
            }
            string id = kv.Key.ToStringUtf8()[keys.Vsis.Length..];
            var txn = new TxnRequest();
            txn.Compare.Add(EtcdTxnOps.Unchanged(keys.Vsi(id), kv));
            txn.Compare.Add(EtcdTxnOps.Absent(keys.Owner(id)));
            txn.Success.Add(EtcdTxnOps.Delete(keys.Vsi(id)));
            txn.Success.Add(EtcdTxnOps.DeletePrefix(keys.Segment(id, "")));
            txn.Success.Add(EtcdTxnOps.DeletePrefix(keys.History(id)));
            if ((await connection.TxnAsync(txn, cancel).ConfigureAwait(false)).Succeeded)
            {
                forgotten.Add(id);
                EtcdStoreLog.Forgotten(logger, id, entry.State, entry.Since, forgetAfter.TotalDays);
            }
        }
        return forgotten;
    }
}
