// A port's `qos:` section: trust (NX-OS `qos trust`), default_priority (802.1Q port default priority),
// an ingress policer by meter name, and the egress scheduler with its optional shaper.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class QosReader
{
    public static PortQos Read(YamlMap map)
    {
        PortQos defaults = PortQos.Default;
        PortQos qos = defaults with
        {
            Trust = map.Value("trust", ParseTrust) ?? defaults.Trust,
            DefaultPriority = map.Int("default_priority", 0, 7) ?? defaults.DefaultPriority,
            Policer = map.Object("policer", ConfigScalars.Name),
            Scheduler = map.Map("scheduler", "qos scheduler") is YamlMap scheduler ? ReadScheduler(scheduler) : defaults.Scheduler,
        };
        map.RejectUnknownKeys();
        return qos;
    }

    private static QosTrust ParseTrust(string text) => text switch
    {
        "pcp" => QosTrust.Pcp,
        "dscp" => QosTrust.Dscp,
        "none" => QosTrust.None,
        _ => throw new FormatException($"'{text}' is not pcp, dscp or none"),
    };

    private static EgressSchedulerConfig ReadScheduler(YamlMap map)
    {
        var defaults = new EgressSchedulerConfig();
        long? shaperRate = null;
        long? shaperBurst = null;
        if (map.Map("shaper", "qos scheduler shaper") is YamlMap shaper)
        {
            shaperRate = shaper.Value("rate", ConfigScalars.BitRate);
            shaperBurst = shaper.Value("burst", ConfigScalars.ByteSize);
            shaper.Require("rate");
            shaper.RejectUnknownKeys();
        }
        EgressSchedulerConfig scheduler = defaults with
        {
            StrictFromClass = map.Int("strict_from", 1, EgressSchedulerConfig.Classes) ?? defaults.StrictFromClass,
            Weights = ReadWeights(map) ?? defaults.Weights,
            QueueDepthFrames = map.Int("queue_frames", 1, int.MaxValue) ?? defaults.QueueDepthFrames,
            QueueDepthBytes = (int?)map.Value("queue_bytes", text => ConfigScalars.ByteSize(text) is var size and <= int.MaxValue ? size : throw new FormatException($"'{text}' is too large")) ?? defaults.QueueDepthBytes,
            QuantumBytes = (int?)map.Value("quantum", text => ConfigScalars.ByteSize(text) is var size and <= int.MaxValue ? size : throw new FormatException($"'{text}' is too large")) ?? defaults.QuantumBytes,
            // tc habit: rates in bits per second; the scheduler counts bytes.
            ShaperBytesPerSecond = shaperRate is long rate ? rate / 8 : defaults.ShaperBytesPerSecond,
            ShaperBurstBytes = shaperBurst ?? defaults.ShaperBurstBytes,
        };
        map.RejectUnknownKeys();
        return scheduler;
    }

    /// <summary>Eight DWRR weights, classes 0..7 in order.</summary>
    private static int[]? ReadWeights(YamlMap map)
    {
        YamlNode? node = map.Get("weights");
        if (node is null)
        {
            return null;
        }
        IReadOnlyList<YamlNode> items = map.List("weights");
        if (node is YamlSequenceNode && items.Count != EgressSchedulerConfig.Classes)
        {
            map.Diagnostics.Add(node, $"weights needs {EgressSchedulerConfig.Classes} numbers (classes 0..7), not {items.Count}");
            return null;
        }
        var weights = new int[items.Count];
        bool valid = items.Count > 0;
        for (int i = 0; i < items.Count; i++)
        {
            valid &= YamlMap.TryParse(items[i], "weights", text => ConfigScalars.Int(text, 1, 1_000_000), map.Diagnostics, out weights[i]);
        }
        return valid ? weights : null;
    }
}
