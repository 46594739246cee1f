// This appliance's lease: its liveness in the store. The owner keys of its VSIs and its appliances/
// key are attached to it, so when the appliance dies etcd deletes them after the TTL and the other
// appliances mark its VSIs lost. Kept alive at a third of the TTL; when etcd says the lease is gone
// (the appliance was cut off longer than the TTL), the store is told so it takes a new one and puts
// its owner keys back.
using Etcdserverpb;
using Grpc.Core;

namespace Hairpin.Host.Qbg.Store;

internal sealed class EtcdLease(EtcdConnection connection, TimeSpan ttl)
{
    private long _id;

    /// <summary>The current lease; 0 when there is none (not granted yet, or lost).</summary>
    public long Id => Interlocked.Read(ref _id);

    public async Task<long> GrantAsync(CancellationToken cancel)
    {
        LeaseGrantResponse granted = await connection.CallAsync(
            options => connection.Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Math.Ceiling(ttl.TotalSeconds) }, options), cancel).ConfigureAwait(false);
        Interlocked.Exchange(ref _id, granted.ID);
        return granted.ID;
    }

    /// <summary>The lease is gone (etcd said so): the next sync grants another.</summary>
    public void Forget(long id) => Interlocked.CompareExchange(ref _id, 0, id);

    /// <summary>Renews the lease every TTL/3 until <paramref name="cancel"/>; calls <paramref name="lost"/> when etcd says it expired.</summary>
    public async Task KeepAliveAsync(Action lost, CancellationToken cancel)
    {
        TimeSpan interval = ttl / 3;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                if (Id == 0)
                {
                    await Task.Delay(interval, cancel).ConfigureAwait(false);
                    continue;
                }
                await RenewUntilFailureAsync(interval, lost, cancel).ConfigureAwait(false);
            }
            catch (Exception error) when (error is RpcException or IOException or HttpRequestException)
            {
                // The stream broke (etcd gone); opened again after a pause.
                connection.Unanswered();
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                // No answer within the deadline: the stream is dropped and opened again.
                connection.Unanswered();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RenewUntilFailureAsync(TimeSpan interval, Action lost, CancellationToken cancel)
    {
        using AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> call = connection.Leases.LeaseKeepAlive(cancellationToken: cancel);
        while (!cancel.IsCancellationRequested)
        {
            long id = Id;
            if (id == 0)
            {
                return;
            }
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = id }, cancel).ConfigureAwait(false);
            using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            answer.CancelAfter(connection.Deadline);
            if (!await call.ResponseStream.MoveNext(answer.Token).ConfigureAwait(false))
            {
                connection.Unanswered();
                return;
            }
            connection.Answered();
            if (call.ResponseStream.Current.TTL <= 0)
            {
                Forget(id);
                lost();
                return;
            }
            await Task.Delay(interval, cancel).ConfigureAwait(false);
        }
    }
}
