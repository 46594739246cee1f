// The one JSON form of what a VSI store keeps (a VSI's record, its counter segment, a move, a VSI
// type), shared by the embedded file and by etcd, so a record written by one appliance is read by
// every other, and an operator reading it with etcdctl or cat sees names, not numbers. Readers are
// strict: a value that does not parse is an error the caller counts and skips, never a crash.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg.Store;

public static class VsiStoreJson
{
    private static readonly Dictionary<string, DropReason> DropReasonsByName =
        Enum.GetValues<DropReason>().ToDictionary(reason => KebabNames.Of(reason), StringComparer.Ordinal);

    public static JsonObject Write(VsiRecord vsi)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        var filters = new JsonArray();
        foreach (VdpFilter filter in vsi.Filters)
        {
            filters.Add(new JsonObject
            {
                ["mac"] = filter.Mac?.ToString(),
                ["vid"] = filter.Vid,
                ["group"] = filter.GroupId,
                ["pcp"] = filter.Pcp,
                ["pcp_significant"] = filter.PcpSignificant,
            });
        }
        return new JsonObject
        {
            ["id"] = vsi.IdText,
            ["id_format"] = (int)vsi.Format,
            ["id_value"] = vsi.Id.Value.ToString("x32", CultureInfo.InvariantCulture),
            ["manager"] = vsi.Manager.Value.ToString("x32", CultureInfo.InvariantCulture),
            ["type"] = vsi.TypeId,
            ["version"] = vsi.TypeVersion,
            ["request"] = (int)vsi.Request,
            ["hint"] = (int)vsi.Hint,
            ["filter_format"] = (int)vsi.FilterFormat,
            ["filter"] = filters,
        };
    }

    /// <summary>A VSI record as <see cref="Write(VsiRecord)"/> wrote it; its times are <paramref name="now"/>.</summary>
    /// <exception cref="FormatException">The value is not such a record.</exception>
    public static VsiRecord ReadVsi(JsonNode? node, TimeSpan now)
    {
        JsonObject json = node as JsonObject ?? throw new FormatException("a VSI record is a JSON object");
        try
        {
            var id = new VsiId((VsiIdFormat)json["id_format"]!.GetValue<int>(), UInt128.Parse(json["id_value"]!.GetValue<string>(), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var manager = new VdpManagerId(UInt128.Parse(json["manager"]!.GetValue<string>(), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var filters = new List<VdpFilter>();
            foreach (JsonNode? entry in json["filter"]!.AsArray())
            {
                string? mac = entry!["mac"]?.GetValue<string>();
                filters.Add(new VdpFilter(entry["pcp"]!.GetValue<int>(), entry["pcp_significant"]!.GetValue<bool>(), entry["vid"]!.GetValue<int>(),
                    mac is null ? null : MacAddress.Parse(mac), entry["group"]?.GetValue<uint>()));
            }
            return new VsiRecord(id, manager, json["type"]!.GetValue<uint>(), json["version"]!.GetValue<byte>(), (VdpRequest)json["request"]!.GetValue<int>(),
                (VsiHint)json["hint"]!.GetValue<int>(), (VdpFilterFormat)json["filter_format"]!.GetValue<int>(), filters, now, now);
        }
        catch (Exception error) when (error is NullReferenceException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new FormatException($"not a VSI record: {error.Message}", error);
        }
    }

    public static JsonObject Write(VsiCountersSnapshot counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return new JsonObject
        {
            ["rx_frames"] = counters.RxFrames,
            ["rx_bytes"] = counters.RxBytes,
            ["tx_frames"] = counters.TxFrames,
            ["tx_bytes"] = counters.TxBytes,
            ["dropped"] = Reasons(counters.Dropped),
            ["egress_dropped"] = Reasons(counters.EgressDropped),
            ["acl_permit_hits"] = counters.AclPermitHits,
            ["acl_deny_hits"] = counters.AclDenyHits,
            ["egress_acl_permit_hits"] = counters.EgressAclPermitHits,
            ["egress_acl_deny_hits"] = counters.EgressAclDenyHits,
        };
    }

    /// <exception cref="FormatException">The value is not a counter segment.</exception>
    public static VsiCountersSnapshot ReadCounters(JsonNode? node)
    {
        JsonObject json = node as JsonObject ?? throw new FormatException("a counter segment is a JSON object");
        try
        {
            return new VsiCountersSnapshot(Long(json, "rx_frames"), Long(json, "rx_bytes"), Long(json, "tx_frames"), Long(json, "tx_bytes"),
                ReadReasons(json["dropped"]), ReadReasons(json["egress_dropped"]),
                Long(json, "acl_permit_hits"), Long(json, "acl_deny_hits"), Long(json, "egress_acl_permit_hits"), Long(json, "egress_acl_deny_hits"));
        }
        catch (Exception error) when (error is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new FormatException($"not a counter segment: {error.Message}", error);
        }
    }

    public static JsonObject Write(VsiMove move)
    {
        ArgumentNullException.ThrowIfNull(move);
        return new JsonObject
        {
            ["at"] = move.At.ToString("O", CultureInfo.InvariantCulture),
            ["from"] = move.From,
            ["to"] = move.To,
            ["request"] = move.Request,
        };
    }

    /// <exception cref="FormatException">The value is not a move.</exception>
    public static VsiMove ReadMove(JsonNode? node)
    {
        JsonObject json = node as JsonObject ?? throw new FormatException("a move is a JSON object");
        try
        {
            return new VsiMove(DateTimeOffset.Parse(json["at"]!.GetValue<string>(), CultureInfo.InvariantCulture), json["from"]?.GetValue<string>(),
                json["to"]!.GetValue<string>(), json["request"]!.GetValue<string>());
        }
        catch (Exception error) when (error is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"not a move: {error.Message}", error);
        }
    }

    /// <summary>A VSI type as the YAML's `vsi_types:` names its keys.</summary>
    public static JsonObject Write(VsiTypeConfig type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new JsonObject
        {
            ["id"] = type.Id,
            ["version"] = type.Version,
            ["vlan"] = type.Vlan,
            ["acl"] = type.Acl,
            ["meter"] = type.Meter,
            ["max_macs"] = type.MaxMacs,
            ["managers"] = new JsonArray([.. type.Managers.Select(manager => (JsonNode?)JsonValue.Create(manager))]),
        };
    }

    /// <exception cref="FormatException">The value is not a VSI type.</exception>
    public static VsiTypeConfig ReadType(JsonNode? node)
    {
        JsonObject json = node as JsonObject ?? throw new FormatException("a VSI type is a JSON object");
        try
        {
            var type = new VsiTypeConfig
            {
                Id = json["id"]!.GetValue<int>(),
                Version = json["version"]!.GetValue<int>(),
                Vlan = json["vlan"]!.GetValue<int>(),
                Acl = json["acl"]?.GetValue<string>(),
                Meter = json["meter"]?.GetValue<string>(),
                MaxMacs = json["max_macs"]?.GetValue<int>() ?? 0,
                Managers = [.. (json["managers"]?.AsArray() ?? []).Select(manager => manager!.GetValue<string>())],
            };
            if (type.Id is < 0 or > EvbReader.MaxTypeId || type.Version is < 0 or > 255 || type.Vlan is < 1 or > 4094)
            {
                throw new FormatException($"{type.Describe()}: id 0..{EvbReader.MaxTypeId}, version 0..255 and vlan 1..4094");
            }
            return type;
        }
        catch (Exception error) when (error is NullReferenceException or InvalidOperationException)
        {
            throw new FormatException($"not a VSI type: {error.Message}", error);
        }
    }

    public static string Text(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    private static JsonObject Reasons(IReadOnlyDictionary<DropReason, long> counts)
    {
        var json = new JsonObject();
        foreach ((DropReason reason, long count) in counts.OrderBy(pair => pair.Key))
        {
            json[KebabNames.Of(reason)] = count;
        }
        return json;
    }

    private static Dictionary<DropReason, long> ReadReasons(JsonNode? node)
    {
        var counts = new Dictionary<DropReason, long>();
        foreach ((string name, JsonNode? count) in node as JsonObject ?? [])
        {
            // A reason this version does not know (written by a newer appliance) is skipped, not fatal.
            if (DropReasonsByName.TryGetValue(name, out DropReason reason) && count is not null)
            {
                counts[reason] = count.GetValue<long>();
            }
        }
        return counts;
    }

    private static long Long(JsonObject json, string name) =>
        json[name] is JsonNode value ? value.GetValue<long>() : throw new FormatException($"no {name}");
}
