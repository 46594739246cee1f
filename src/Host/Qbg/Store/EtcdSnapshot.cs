// The store read at one revision (the VSI table, the owner keys, the types): what OpenAsync answers
// from, and what a resync compares with what this appliance believed, to raise the events a
// compacted watch could not deliver.
using System.Text.Json;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Hairpin.Host.Configuration;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace Hairpin.Host.Qbg.Store;

internal sealed record EtcdSnapshot(
    long Revision,
    IReadOnlyList<VsiTypeConfig> Types,
    string TypesText,
    IReadOnlyDictionary<string, (KeyValue Kv, EtcdVsiEntry Entry)> Records,
    IReadOnlyDictionary<string, KeyValue> Owners)
{
    public static async Task<EtcdSnapshot> ReadAsync(EtcdConnection connection, EtcdKeys keys, EtcdVsiTransactions reader, ILogger logger, CancellationToken cancel)
    {
        RangeResponse vsis = await connection.PrefixAsync(keys.Vsis, 0, cancel).ConfigureAwait(false);
        long revision = vsis.Header.Revision;
        RangeResponse owners = await connection.PrefixAsync(keys.Owners, revision, cancel).ConfigureAwait(false);
        (IReadOnlyList<VsiTypeConfig> types, string text) = await ReadTypesAsync(connection, keys, revision, logger, cancel).ConfigureAwait(false);
        var records = new Dictionary<string, (KeyValue, EtcdVsiEntry)>(StringComparer.Ordinal);
        foreach (KeyValue kv in vsis.Kvs)
        {
            if (reader.TryEntry(kv) is { } entry)
            {
                records[kv.Key.ToStringUtf8()[keys.Vsis.Length..]] = (kv, entry);
            }
        }
        var ownerKeys = owners.Kvs.ToDictionary(kv => kv.Key.ToStringUtf8()[keys.Owners.Length..], StringComparer.Ordinal);
        return new EtcdSnapshot(revision, types, text, records, ownerKeys);
    }

    /// <summary>The shared types in key order, and their text (to tell whether they changed).</summary>
    public static async Task<(IReadOnlyList<VsiTypeConfig> Types, string Text)> ReadTypesAsync(
        EtcdConnection connection, EtcdKeys keys, long revision, ILogger logger, CancellationToken cancel)
    {
        RangeResponse read = await connection.PrefixAsync(keys.Types, revision, cancel).ConfigureAwait(false);
        var types = new List<VsiTypeConfig>();
        foreach (KeyValue kv in read.Kvs)
        {
            try
            {
                types.Add(VsiStoreJson.ReadType(JsonNode.Parse(kv.Value.ToStringUtf8())));
            }
            catch (Exception error) when (error is FormatException or JsonException)
            {
                EtcdStoreLog.Unreadable(logger, kv.Key.ToStringUtf8(), error.Message);
            }
        }
        return (types, TextOf(types));
    }

    public static string TextOf(IEnumerable<VsiTypeConfig> types) => string.Join('\n', types.Select(type => VsiStoreJson.Text(VsiStoreJson.Write(type))));
}
