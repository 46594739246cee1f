// The pieces of the store's etcd transactions, written once: a key unchanged since it was read (or
// still absent), a put (on a lease or none), and deletes of a key or of every key under a prefix.
using Etcdserverpb;
using Google.Protobuf;
using Mvccpb;

namespace Hairpin.Host.Qbg.Store;

internal static class EtcdTxnOps
{
    /// <summary>The key's mod revision is still <paramref name="current"/>'s, or the key is still absent when it was.</summary>
    public static Compare Unchanged(string key, KeyValue? current) => current is null
        ? Absent(key)
        : new Compare { Key = EtcdKeys.Bytes(key), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = current.ModRevision };

    public static Compare Absent(string key) =>
        new() { Key = EtcdKeys.Bytes(key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 };

    public static RequestOp Put(string key, string value, long lease = 0) =>
        new() { RequestPut = new PutRequest { Key = EtcdKeys.Bytes(key), Value = ByteString.CopyFromUtf8(value), Lease = lease } };

    public static RequestOp Delete(string key) =>
        new() { RequestDeleteRange = new DeleteRangeRequest { Key = EtcdKeys.Bytes(key) } };

    public static RequestOp DeletePrefix(string prefix) =>
        new() { RequestDeleteRange = new DeleteRangeRequest { Key = EtcdKeys.Bytes(prefix), RangeEnd = EtcdKeys.RangeEnd(prefix) } };
}
