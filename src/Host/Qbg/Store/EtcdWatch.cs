// One watch stream over the whole store prefix, from a given revision: etcd replays every change
// since then, so a reconnect loses nothing, unless that revision was compacted away, which this
// reports so the store reads everything again. Built on the raw Watch stream (not dotnet-etcd's
// WatchManager) because resuming and compaction are exactly what the store must decide itself.
using Etcdserverpb;
using Grpc.Core;
using Mvccpb;

namespace Hairpin.Host.Qbg.Store;

internal sealed class EtcdWatch(EtcdConnection connection, EtcdKeys keys)
{
    /// <summary>
    /// Hands every batch of events from <paramref name="from"/> on to <paramref name="changed"/> until
    /// <paramref name="cancel"/>. Returns the compaction revision when <paramref name="from"/> is no
    /// longer in etcd's history; throws <see cref="RpcException"/> when the stream breaks.
    /// </summary>
    public async Task<long> RunAsync(long from, Func<IReadOnlyList<Event>, Task> changed, CancellationToken cancel)
    {
        using AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call = connection.Watches.Watch(cancellationToken: cancel);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = EtcdKeys.Bytes(keys.Root), RangeEnd = EtcdKeys.RangeEnd(keys.Root), StartRevision = from },
        }, cancel).ConfigureAwait(false);
        while (await call.ResponseStream.MoveNext(cancel).ConfigureAwait(false))
        {
            WatchResponse response = call.ResponseStream.Current;
            connection.Answered();
            if (response.CompactRevision != 0)
            {
                return response.CompactRevision;
            }
            if (response.Canceled)
            {
                throw new RpcException(new Status(StatusCode.Aborted, $"etcd cancelled the watch: {response.CancelReason}"));
            }
            if (response.Events.Count > 0)
            {
                await changed(response.Events).ConfigureAwait(false);
            }
        }
        throw new RpcException(new Status(StatusCode.Unavailable, "the watch stream ended"));
    }
}
