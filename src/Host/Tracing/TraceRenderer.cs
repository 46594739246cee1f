// Renders a FrameTrace for people, in the shape of Open vSwitch's ofproto/trace: the stages in order,
// egress stages indented under their port, the ACL rules that decided, and a last line
// "Datapath actions: ..." saying what the bridge does with the frame. Also the JSON form.
using System.Text.Json;
using System.Text.Json.Serialization;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Host.Tracing;

internal static class TraceRenderer
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // keep "->" and ">" readable; this is a CLI, not HTML
    };

    /// <summary>The human form, one string per line. <paramref name="portNames"/> names mirror ports (else "#N").</summary>
    public static IReadOnlyList<string> Render(FrameTrace trace, IReadOnlyList<string>? portNames = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var lines = new List<string>
        {
            $"Frame in on {PortLabel(trace.IngressPort, trace.IngressPortName)}",
            "",
        };
        int? egressPort = null;
        foreach (TraceStage stage in trace.Stages)
        {
            if (stage.Port is int port)
            {
                if (egressPort != port)
                {
                    lines.Add($"    output to {trace.Egress.FirstOrDefault(e => e.Port == port)?.PortName ?? PortLabel(port, portNames)}:");
                    egressPort = port;
                }
                lines.Add($"        {stage.Name}: {stage.Text}");
            }
            else
            {
                egressPort = null;
                lines.Add($"{stage.Name}: {stage.Text}");
            }
        }
        if (trace.AclMatches.Count > 0)
        {
            lines.Add("");
            lines.Add("ACL rules matched:");
            lines.AddRange(trace.AclMatches.Select(match => $"    {DescribeMatch(match)}"));
        }
        lines.Add("");
        lines.Add($"Datapath actions: {DatapathActions(trace, portNames)}");
        return lines;
    }

    /// <summary>The JSON form of <see cref="ToDto"/>.</summary>
    public static string RenderJson(FrameTrace trace, IReadOnlyList<string>? portNames = null) =>
        JsonSerializer.Serialize(ToDto(trace, portNames), Json);

    /// <summary>A plain, JSON-friendly copy: names instead of enums, kebab-case drop reasons.</summary>
    public static TraceDto ToDto(FrameTrace trace, IReadOnlyList<string>? portNames = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new TraceDto(
            trace.IngressPortName,
            trace.IngressPort,
            [.. trace.Stages.Select(stage => new TraceStageDto(stage.Name, stage.Text, stage.Port is int port ? trace.Egress.FirstOrDefault(e => e.Port == port)?.PortName ?? PortLabel(port, portNames) : null))],
            new TraceVerdictDto(
                trace.Verdict.Outcome.ToString().ToLowerInvariant(),
                trace.Verdict.Reason is DropReason reason ? DropReasons.Name(reason) : null,
                [.. trace.Verdict.Ports.Select(port => trace.Egress.First(e => e.Port == port).PortName)]),
            [.. trace.AclMatches.Select(match => new AclMatchDto(
                match.Acl, match.BoundTo, match.RuleNumber, match.RuleName, match.Verdict.ToString().ToLowerInvariant(),
                match.Actions.IsNone ? null : Describe(match.Actions)))],
            [.. trace.Egress.Select(egress => new EgressDto(egress.PortName, egress.Tag.ToString(), egress.Drop is DropReason drop ? DropReasons.Name(drop) : null))],
            [.. trace.MirrorPorts.Select(port => PortLabel(port, portNames))],
            trace.Policers,
            DatapathActions(trace, portNames));
    }

    /// <summary>"output:hv1 untagged, output:uplink tag 10 pcp 3", "drop (acl-denied)", "trap (control plane)".</summary>
    public static string DatapathActions(FrameTrace trace, IReadOnlyList<string>? portNames = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        switch (trace.Verdict.Outcome)
        {
            case TraceOutcome.Dropped:
                return $"drop ({DropReasons.Name(trace.Verdict.Reason!.Value)})";
            case TraceOutcome.Trapped:
                return "trap (control plane)";
            default:
                var actions = trace.MirrorPorts.Select(port => $"mirror:{PortLabel(port, portNames)}").ToList();
                actions.AddRange(trace.Egress.Select(egress => egress.Drop is DropReason drop
                    ? $"drop:{egress.PortName} ({DropReasons.Name(drop)})"
                    : $"output:{egress.PortName} {egress.Tag}"));
                if (trace.Policers.Count > 0)
                {
                    actions.Add($"unless policed by {string.Join(", ", trace.Policers)}");
                }
                return string.Join(", ", actions);
        }
    }

    private static string DescribeMatch(TracedAclMatch match)
    {
        string rule = match.IsDefault ? "default" : $"rule {match.RuleNumber} ({match.RuleName})";
        string actions = match.Actions.IsNone ? "" : $", {Describe(match.Actions)}";
        return $"acl {match.Acl} {rule} {match.Verdict.ToString().ToLowerInvariant()}{actions}  [{match.BoundTo}]";
    }

    private static string Describe(Bridge.Core.Acl.AclActions actions)
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name} {value}");
            }
        }
        Add("set-class", actions.TrafficClass);
        Add("remark pcp", actions.RemarkPcp);
        Add("remark dscp", actions.RemarkDscp);
        Add("police", actions.Police);
        Add("mirror", actions.Mirror);
        Add("count", actions.Count);
        return string.Join(", ", parts);
    }

    private static string PortLabel(int port, string name) => name.Length > 0 ? $"{name} (port {port})" : $"port #{port} (not configured)";

    private static string PortLabel(int port, IReadOnlyList<string>? names) =>
        names is not null && (uint)port < (uint)names.Count ? names[port] : $"#{port}";
}
