// The embedded VSI store's file: one JSON document holding this appliance's VSI table, its counter
// segments and the moves, each in VsiStoreJson's form (so `cat` shows what etcd would hold). Written
// whole to a temporary file and renamed over the old one, so a crash leaves the old or the new, never
// half. Read strictly: a document that does not parse is set aside, an entry that does not parse is
// skipped; either way the appliance starts.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Host.Qbg.Store;

/// <summary>One VSI in this appliance's table.</summary>
/// <param name="Held">This appliance holds it now; false once released (kept for `vsi show`: where it was, its counters).</param>
/// <param name="Since">When it came to its port, or was released.</param>
internal sealed record EmbeddedVsiEntry(string Port, VsiRecord Vsi, DateTimeOffset Since, bool Held);

/// <summary>Everything the file holds, by VSIID; history oldest first.</summary>
internal sealed record EmbeddedStoreContents(
    IReadOnlyDictionary<string, EmbeddedVsiEntry> Vsis,
    IReadOnlyDictionary<string, VsiCountersSnapshot> Segments,
    IReadOnlyDictionary<string, IReadOnlyList<VsiMove>> History)
{
    public static readonly EmbeddedStoreContents Empty = new(
        new Dictionary<string, EmbeddedVsiEntry>(), new Dictionary<string, VsiCountersSnapshot>(), new Dictionary<string, IReadOnlyList<VsiMove>>());
}

internal static class EmbeddedStoreFile
{
    private const string Format = "hairpin-vsi-store";
    private const int Version = 1;
    private const string Released = "de-associated";

    /// <summary>The document for <paramref name="contents"/>, as text.</summary>
    public static string Write(string appliance, EmbeddedStoreContents contents)
    {
        var vsis = new JsonArray();
        foreach ((string _, EmbeddedVsiEntry entry) in contents.Vsis.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            vsis.Add(new JsonObject
            {
                ["port"] = entry.Port,
                ["state"] = entry.Held ? StateOf(entry.Vsi) : Released,
                ["since"] = entry.Since.ToString("O", CultureInfo.InvariantCulture),
                ["record"] = VsiStoreJson.Write(entry.Vsi),
            });
        }
        var counters = new JsonObject();
        foreach ((string vsiId, VsiCountersSnapshot segment) in contents.Segments.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            counters[vsiId] = VsiStoreJson.Write(segment);
        }
        var history = new JsonObject();
        foreach ((string vsiId, IReadOnlyList<VsiMove> moves) in contents.History.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            history[vsiId] = new JsonArray([.. moves.Select(move => (JsonNode)VsiStoreJson.Write(move))]);
        }
        var document = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["appliance"] = appliance,
            ["vsis"] = vsis,
            ["counters"] = counters,
            ["history"] = history,
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> by a temporary file and a rename; throws on I/O failure, changing nothing.</summary>
    public static void Replace(string path, string text)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        string temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);   // the rename must never publish a file whose data is still in the page cache only
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Reads a document <see cref="Write"/> wrote. Entries that do not parse are skipped and each
    /// reported to <paramref name="skipped"/>.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a document at all.</exception>
    public static EmbeddedStoreContents Read(string text, DateTimeOffset now, Action<string> skipped)
    {
        JsonObject document;
        try
        {
            document = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (JsonException error)
        {
            throw new FormatException($"not JSON: {error.Message}", error);
        }
        if (document["format"] is not JsonValue format || format.GetValueKind() != JsonValueKind.String || format.GetValue<string>() != Format)
        {
            throw new FormatException($"not a VSI store (its \"format\" is not \"{Format}\")");
        }
        var vsis = new Dictionary<string, EmbeddedVsiEntry>(StringComparer.Ordinal);
        foreach (JsonNode? item in Array(document, "vsis"))
        {
            try
            {
                EmbeddedVsiEntry entry = ReadEntry(item, now);
                vsis[entry.Vsi.IdText] = entry;
            }
            catch (FormatException error)
            {
                skipped($"a VSI: {error.Message}");
            }
        }
        var segments = new Dictionary<string, VsiCountersSnapshot>(StringComparer.Ordinal);
        foreach ((string vsiId, JsonNode? segment) in Object(document, "counters"))
        {
            try
            {
                segments[vsiId] = VsiStoreJson.ReadCounters(segment);
            }
            catch (FormatException error)
            {
                skipped($"the counters of VSI {vsiId}: {error.Message}");
            }
        }
        var history = new Dictionary<string, IReadOnlyList<VsiMove>>(StringComparer.Ordinal);
        foreach ((string vsiId, JsonNode? moves) in Object(document, "history"))
        {
            var list = new List<VsiMove>();
            foreach (JsonNode? move in moves as JsonArray ?? [])
            {
                try
                {
                    list.Add(VsiStoreJson.ReadMove(move));
                }
                catch (FormatException error)
                {
                    skipped($"a move of VSI {vsiId}: {error.Message}");
                }
            }
            history[vsiId] = list;
        }
        return new EmbeddedStoreContents(vsis, segments, history);
    }

    /// <summary>"associated", "pre-associated" or "pre-associated-rr", as `vsi show` says it.</summary>
    public static string StateOf(VsiRecord vsi) => vsi.Request switch
    {
        VdpRequest.Associate => "associated",
        VdpRequest.PreAssociateWithReservation => "pre-associated-rr",
        VdpRequest.DeAssociate => Released,
        _ => "pre-associated",
    };

    private static EmbeddedVsiEntry ReadEntry(JsonNode? item, DateTimeOffset now)
    {
        if (item is not JsonObject json || Text(json, "port") is not string port)
        {
            throw new FormatException("an entry of the table is an object with a port");
        }
        // Records carry the control plane's times, which do not survive a restart: the plane sets its own.
        VsiRecord vsi = VsiStoreJson.ReadVsi(json["record"], TimeSpan.Zero);
        DateTimeOffset since = Text(json, "since") is string text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at) ? at : now;
        return new EmbeddedVsiEntry(port, vsi, since, Text(json, "state") != Released);
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static JsonArray Array(JsonObject document, string name) => document[name] switch
    {
        null => [],
        JsonArray array => array,
        _ => throw new FormatException($"its \"{name}\" is not a list"),
    };

    private static JsonObject Object(JsonObject document, string name) => document[name] switch
    {
        null => [],
        JsonObject json => json,
        _ => throw new FormatException($"its \"{name}\" is not an object"),
    };
}
