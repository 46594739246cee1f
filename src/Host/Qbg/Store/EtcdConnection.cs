// The one channel to etcd and what it says about the store's health: every request carries a short
// deadline (an unreachable etcd answers "unavailable" quickly, nothing waits forever), and every answer
// or failure updates Health. dotnet-etcd provides the channel (several endpoints, round robin) and the
// generated etcd v3 clients; the store calls those clients directly so it sees etcd's own answers
// (mod revisions, compaction, lease TTLs) rather than a wrapper's.
using dotnet_etcd;
using Etcdserverpb;
using Grpc.Core;

namespace Hairpin.Host.Qbg.Store;

internal sealed class EtcdConnection : IDisposable
{
    private readonly EtcdClient _client;
    private readonly TimeSpan _deadline;
    private volatile bool _answering;

    public EtcdConnection(IReadOnlyList<string> endpoints, TimeSpan deadline)
    {
        _deadline = deadline;
        // A restarted etcd is found again within a second: gRPC's default reconnect backoff grows to two minutes.
        _client = new EtcdClient(string.Join(',', endpoints), configureChannelOptions: options =>
        {
            options.InitialReconnectBackoff = TimeSpan.FromMilliseconds(200);
            options.MaxReconnectBackoff = TimeSpan.FromSeconds(1);
        });
    }

    public KV.KVClient Kv => _client.GetConnection().KVClient;
    public Lease.LeaseClient Leases => _client.GetConnection().LeaseClient;
    public Watch.WatchClient Watches => _client.GetConnection().WatchClient;

    public StoreHealth Health => _answering ? StoreHealth.Connected : StoreHealth.Unreachable;

    public TimeSpan Deadline => _deadline;

    public void Answered() => _answering = true;

    public void Unanswered() => _answering = false;

    /// <summary>One unary request with the deadline; an RpcException marks the store unreachable and is rethrown.</summary>
    public async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            T response = await call(new CallOptions(deadline: DateTime.UtcNow + _deadline, cancellationToken: cancel)).ResponseAsync.ConfigureAwait(false);
            _answering = true;
            return response;
        }
        catch (RpcException error) when (IsUnreachable(error))
        {
            _answering = false;
            throw;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // Nobody cancelled: grpc-dotnet's retrying call can end a deadline or a refused connection with
            // a bare cancellation instead of an RpcException (seen opening the store while etcd was down).
            // Callers treat it as etcd not answering, as they do DeadlineExceeded.
            _answering = false;
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "etcd did not answer in time"));
        }
    }

    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancel) => CallAsync(options => Kv.RangeAsync(request, options), cancel);

    public Task<RangeResponse> GetAsync(string key, CancellationToken cancel) =>
        RangeAsync(new RangeRequest { Key = EtcdKeys.Bytes(key) }, cancel);

    /// <summary>Every key under <paramref name="prefix"/>, in key order; at <paramref name="revision"/> when not 0.</summary>
    public Task<RangeResponse> PrefixAsync(string prefix, long revision, CancellationToken cancel) =>
        RangeAsync(new RangeRequest { Key = EtcdKeys.Bytes(prefix), RangeEnd = EtcdKeys.RangeEnd(prefix), Revision = revision }, cancel);

    public Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancel) => CallAsync(options => Kv.TxnAsync(request, options), cancel);

    public Task<PutResponse> PutAsync(string key, string value, long lease, CancellationToken cancel) =>
        CallAsync(options => Kv.PutAsync(new PutRequest { Key = EtcdKeys.Bytes(key), Value = EtcdKeys.Bytes(value), Lease = lease }, options), cancel);

    /// <summary>etcd did not answer (down, unreachable, too slow), as opposed to answering no.</summary>
    public static bool IsUnreachable(RpcException error) =>
        error?.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Unknown or StatusCode.Internal;

    /// <summary>etcd answered that a lease is gone ("requested lease not found").</summary>
    public static bool IsLeaseGone(RpcException error) => error?.StatusCode == StatusCode.NotFound;

    public void Dispose() => _client.Dispose();
}
