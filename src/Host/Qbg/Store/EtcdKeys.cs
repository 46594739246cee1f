// The key layout of the shared VSI store under its prefix (specs/vsi-store.md): one place that builds
// keys and one that reads a watched key back into what it names, so the layout is written once.
using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace Hairpin.Host.Qbg.Store;

internal enum EtcdKeyKind
{
    Other,
    Type,
    Vsi,
    Owner,
    Counters,
    History,
    Appliance,
}

internal sealed class EtcdKeys
{
    public EtcdKeys(string prefix)
    {
        string trimmed = prefix.TrimEnd('/');
        Root = trimmed + "/";
        Types = Root + "types/";
        Vsis = Root + "vsis/";
        Owners = Root + "owners/";
        Counters = Root + "counters/";
        Appliances = Root + "appliances/";
    }

    /// <summary>Everything of this store: what the watch covers.</summary>
    public string Root { get; }
    public string Types { get; }
    public string Vsis { get; }
    public string Owners { get; }
    public string Counters { get; }
    public string Appliances { get; }

    public string Type(int id, int version) => string.Create(CultureInfo.InvariantCulture, $"{Types}{id}/{version}");

    public string Vsi(string vsiId) => Vsis + vsiId;

    public string Owner(string vsiId) => Owners + vsiId;

    public string Segment(string vsiId, string appliance) => $"{Counters}{vsiId}/{appliance}";

    public string History(string vsiId) => $"{Root}history/{vsiId}/";

    /// <summary>Zero-padded so that etcd's key order is the order of the moves.</summary>
    public string HistoryEntry(string vsiId, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{History(vsiId)}{sequence:D20}");

    public string Appliance(string name) => Appliances + name;

    /// <summary>What a watched key names: its kind and the VSI ID it belongs to (empty for types and appliances).</summary>
    public (EtcdKeyKind Kind, string VsiId) Classify(string key)
    {
        if (key.StartsWith(Vsis, StringComparison.Ordinal))
        {
            return (EtcdKeyKind.Vsi, key[Vsis.Length..]);
        }
        if (key.StartsWith(Owners, StringComparison.Ordinal))
        {
            return (EtcdKeyKind.Owner, key[Owners.Length..]);
        }
        if (key.StartsWith(Types, StringComparison.Ordinal))
        {
            return (EtcdKeyKind.Type, "");
        }
        if (key.StartsWith(Counters, StringComparison.Ordinal))
        {
            return (EtcdKeyKind.Counters, key[Counters.Length..]);
        }
        if (key.StartsWith(Appliances, StringComparison.Ordinal))
        {
            return (EtcdKeyKind.Appliance, "");
        }
        return key.StartsWith(Root + "history/", StringComparison.Ordinal) ? (EtcdKeyKind.History, "") : (EtcdKeyKind.Other, "");
    }

    /// <summary>A counter segment's key split into its VSI and appliance (the appliance is the last part).</summary>
    public bool TrySplitSegment(string key, out string vsiId, out string appliance)
    {
        vsiId = appliance = "";
        if (!key.StartsWith(Counters, StringComparison.Ordinal))
        {
            return false;
        }
        string rest = key[Counters.Length..];
        int slash = rest.LastIndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }
        vsiId = rest[..slash];
        appliance = rest[(slash + 1)..];
        return true;
    }

    public static ByteString Bytes(string key) => ByteString.CopyFromUtf8(key);

    /// <summary>The end of etcd's range for every key starting with <paramref name="prefix"/>: the prefix with its last byte incremented.</summary>
    public static ByteString RangeEnd(string prefix)
    {
        byte[] end = Encoding.UTF8.GetBytes(prefix);
        for (int i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return ByteString.CopyFrom(end.AsSpan(0, i + 1));
            }
        }
        return ByteString.CopyFrom(0);
    }
}
