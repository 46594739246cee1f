// `meters:`: named policers in RFC terms (srtcm: cir/cbs/ebs; trtcm: cir/cbs/pir/pbs), rates as tc
// writes them (10mbit), bursts in bytes (15k), and what each color does: pass, drop or remark.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class MeterReader
{
    public static MeterConfig? Read(YamlNode node, int index, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"meters[{index}]", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        string? name = map.Require("name") is YamlNode nameNode && YamlMap.TryParse(nameNode, "name", ConfigScalars.Name, diagnostics, out string? parsed) ? parsed : null;
        var defaults = new MeterConfig { Name = name ?? $"meters[{index}]" };
        MeterKind kind = map.Value("type", ParseKind) ?? defaults.Kind;
        map.Require("cir");
        MeterConfig meter = defaults with
        {
            Kind = kind,
            CommittedRateBitsPerSecond = map.Value("cir", ConfigScalars.BitRate) ?? defaults.CommittedRateBitsPerSecond,
            CommittedBurstBytes = map.Value("cbs", ConfigScalars.ByteSize) ?? defaults.CommittedBurstBytes,
            ExcessBurstBytes = map.Value("ebs", ConfigScalars.ByteSize) ?? defaults.ExcessBurstBytes,
            PeakRateBitsPerSecond = map.Value("pir", ConfigScalars.BitRate) ?? defaults.PeakRateBitsPerSecond,
            PeakBurstBytes = map.Value("pbs", ConfigScalars.ByteSize) ?? defaults.PeakBurstBytes,
            ColorAware = map.Bool("color_aware") ?? defaults.ColorAware,
            Green = ReadColor(map, "green") ?? defaults.Green,
            Yellow = ReadColor(map, "yellow") ?? defaults.Yellow,
            Red = ReadColor(map, "red") ?? defaults.Red,
        };
        map.RejectUnknownKeys();
        // Settings of the other kind would be silently ignored: say so instead.
        string[] foreign = kind == MeterKind.SingleRate ? ["pir", "pbs"] : ["ebs"];
        foreach (string key in foreign.Where(map.Has))
        {
            diagnostics.Add(map.KeyNode(key)!, $"{key} belongs to {(kind == MeterKind.SingleRate ? "trtcm" : "srtcm")} meters; meter {defaults.Name} is {(kind == MeterKind.SingleRate ? "srtcm" : "trtcm")}");
        }
        if (kind == MeterKind.TwoRate && !map.Has("pir"))
        {
            diagnostics.Add(map.Node, $"meter {defaults.Name} is trtcm and needs 'pir'");
        }
        sources.Remember($"meter:{defaults.Name}", node);
        return diagnostics.Count == errorsBefore ? meter : null;
    }

    private static MeterKind ParseKind(string text) => text switch
    {
        "srtcm" => MeterKind.SingleRate,
        "trtcm" => MeterKind.TwoRate,
        _ => throw new FormatException($"'{text}' is not srtcm (RFC 2697) or trtcm (RFC 2698)"),
    };

    /// <summary>`pass`, `drop`, or `{ remark_pcp: N, remark_dscp: D }` (pass remarked).</summary>
    private static ColorAction? ReadColor(YamlMap map, string color)
    {
        YamlNode? node = map.Get(color);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode)
        {
            return YamlMap.TryParse(node, color, ParseColorWord, map.Diagnostics, out ColorAction? action) ? action : null;
        }
        if (YamlMap.Open(node, $"{color} of a meter", map.Diagnostics) is not YamlMap remark)
        {
            return null;
        }
        int? pcp = remark.Int("remark_pcp", 0, 7);
        int? dscp = remark.Value("remark_dscp", AclWords.Dscp);
        remark.RejectUnknownKeys();
        if (pcp is null && dscp is null)
        {
            map.Diagnostics.Add(node, $"{color}: a remark needs remark_pcp, remark_dscp or both");
            return null;
        }
        return ColorAction.Remark(pcp, dscp);
    }

    private static ColorAction ParseColorWord(string text) => text switch
    {
        "pass" => ColorAction.Pass,
        "drop" => ColorAction.Drop,
        _ => throw new FormatException($"'{text}' is not pass, drop or {{ remark_pcp: N, remark_dscp: D }}"),
    };
}
