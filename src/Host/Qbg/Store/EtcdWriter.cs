// The single background writer of the etcd store: takes the queued record updates, releases and
// counter segments oldest first and writes them; while etcd is away it waits and tries again, and
// the queue keeps only the latest write per key, so nothing the plane queued is lost or blocks it.
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg.Store;

internal sealed class EtcdWriter(
    EtcdConnection connection, EtcdKeys keys, string appliance, EtcdPendingWrites pending, EtcdVsiTransactions transactions,
    SemaphoreSlim recordGate, ILogger logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(300);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!pending.TryPeekOldest(out PendingWrite write))
                {
                    await pending.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                await WriteAsync(write, stop).ConfigureAwait(false);
                pending.Remove(write);
            }
            catch (Exception error) when (error is Grpc.Core.RpcException or IOException or HttpRequestException)
            {
                // Kept in the queue; written when etcd answers again.
                connection.Unanswered();
                await Task.Delay(RetryDelay, stop).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteAsync(PendingWrite write, CancellationToken stop)
    {
        if (write is PendingWrite.Segment segment)
        {
            // Always written, even for a VSI this appliance lost since: the segment is its own.
            await connection.PutAsync(keys.Segment(segment.VsiId, appliance), VsiStoreJson.Text(VsiStoreJson.Write(segment.Counters)), 0, stop).ConfigureAwait(false);
            return;
        }
        await recordGate.WaitAsync(stop).ConfigureAwait(false);
        try
        {
            bool written = write switch
            {
                PendingWrite.Update update => await transactions.UpdateAsync(update, stop).ConfigureAwait(false),
                PendingWrite.Release release => await transactions.ReleaseAsync(release, stop).ConfigureAwait(false),
                _ => true,
            };
            if (!written)
            {
                EtcdStoreLog.NotHeld(logger, write is PendingWrite.Update ? "update" : "release", write.VsiId);
            }
        }
        finally
        {
            recordGate.Release();
        }
    }
}
