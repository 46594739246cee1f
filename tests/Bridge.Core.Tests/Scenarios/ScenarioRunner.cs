// Executes a scenario file from specs/scenarios: a bridge is built, frames are sent, and every send
// is followed by an expectation of exactly which ports got a copy (and in which tag form), or why the
// frame was dropped or trapped. The language is described in specs/scenarios/README.md.
using System.Globalization;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Scenarios;

public sealed partial class ScenarioRunner
{
    private readonly string _file;
    private readonly List<PortConfig> _ports = [];
    private readonly Dictionary<string, MacAddress> _hosts = new(StringComparer.Ordinal);
    private BridgeConfig _bridge = new();
    private BridgeHarness? _harness;
    private int _line;
    private Outcome? _pending;
    private int _pendingLine;

    private sealed record Outcome(List<Delivered> Delivered, List<Delivered> Trapped, List<DropSeen> Drops);

    /// <summary>One drop: on which port, on ingress or as a copy leaving it, and why.</summary>
    private sealed record DropSeen(int Port, bool Egress, DropReason Reason);

    private ScenarioRunner(string file) => _file = file;

    /// <summary>Runs every step; throws <see cref="ScenarioFailedException"/> at the first that does not hold. Returns the step count.</summary>
    public static int Run(string file)
    {
        var runner = new ScenarioRunner(file);
        int steps = 0;
        foreach (string raw in File.ReadLines(file))
        {
            runner._line++;
            string text = raw.Split('#')[0].Trim();
            if (text.Length == 0)
            {
                continue;
            }
            runner.Step(text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            steps++;
        }
        if (runner._pending is not null)
        {
            throw new ScenarioFailedException(file, runner._pendingLine, "send has no expect after it");
        }
        return steps;
    }

    private ScenarioFailedException Fail(string message) => new(_file, _line, message);

    private BridgeHarness Harness => _harness ??= new BridgeHarness(Config());

    private void Step(string[] words)
    {
        if (_pending is not null && words[0] is not ("expect" or "counter" or "fdb" or "status" or "report"))
        {
            throw new ScenarioFailedException(_file, _pendingLine, "send has no expect after it");
        }
        switch (words[0])
        {
            case "bridge": Bridge(words[1..]); break;
            case "port": AddPort(words[1], words[2..]); break;
            case "set": SetPort(words[1], words[2..]); break;
            case "host": _hosts[words[1]] = MacAddress.Parse(words[2]); break;
            case "send": Send(words[1..]); break;
            case "expect": Expect(words[1..]); break;
            case "advance": Harness.Advance(TimeSpan.FromSeconds(double.Parse(words[1], CultureInfo.InvariantCulture))); break;
            case "sweep": Harness.Engine.SweepFdb(); break;
            case "fdb": Fdb(words[1..]); break;
            case "counter": Counter(words[1..]); break;
            case "recover": Harness.Engine.RecoverPort(PortIndex(words[1])); break;
            case "status": Status(words[1..]); break;
            case "report": MoveReport(words[1..]); break;
            case "acl": DeclareAcl(words[1..]); break;
            case "rule": AddRule(words[1..]); break;
            case "meter": DeclareMeter(words[1..]); break;
            case "vm-acl": BindVmAcl(words[1..]); break;
            case "vm-policer": BindVmPolicer(words[1..]); break;
            default: throw Fail($"unknown statement '{words[0]}'");
        }
    }

    private void Bridge(string[] words)
    {
        for (int i = 0; i + 1 < words.Length; i += 2)
        {
            int value = words[i + 1] is "on" or "off" ? (words[i + 1] == "on" ? 1 : 0) : int.Parse(words[i + 1], CultureInfo.InvariantCulture);
            MacMoveDamping damping = _bridge.MacMoveDamping;
            _bridge = words[i] switch
            {
                "mac_move_damping" => _bridge with { MacMoveDamping = damping with { Enabled = value == 1 } },
                "mac_move_limit" => _bridge with { MacMoveDamping = damping with { MaxMoves = value } },
                "mac_move_window" => _bridge with { MacMoveDamping = damping with { Window = TimeSpan.FromSeconds(value) } },
                "mac_move_hold" => _bridge with { MacMoveDamping = damping with { Hold = TimeSpan.FromSeconds(value) } },
                "ageing_time" => _bridge with { AgeingTime = TimeSpan.FromSeconds(value) },
                "max_learned" => _bridge with { MaxLearned = value },
                "max_frame" => _bridge with { MaxFrameSize = value },
                _ => throw Fail($"unknown bridge setting '{words[i]}'"),
            };
        }
        if (_harness is not null)
        {
            Publish();
        }
    }

    private void AddPort(string name, string[] settings)
    {
        _ports.Add(PortSettings.Apply(new PortConfig { Name = name }, settings, Fail));
        if (_harness is not null)
        {
            Publish();
        }
    }

    private void SetPort(string name, string[] settings)
    {
        int index = PortIndex(name);
        _ports[index] = PortSettings.Apply(_ports[index], settings, Fail);
        Publish();
    }

    private void Publish() => Harness.Engine.Publish(Config());

    private int PortIndex(string name)
    {
        int index = _ports.FindIndex(port => port.Name == name);
        return index >= 0 ? index : throw Fail($"no port named '{name}'");
    }

    private MacAddress Mac(string word) =>
        _hosts.TryGetValue(word, out MacAddress mac) ? mac
        : MacAddress.TryParse(word, out mac) ? mac
        : throw Fail($"'{word}' is neither a host nor a MAC address");

    // send PORT SRC -> DST [tag VID] [pcp N] [stag VID] [type HEX] [size N]  |  send PORT garbage SIZE
    private void Send(string[] words)
    {
        int port = PortIndex(words[0]);
        byte[] frame = words[1] == "garbage" ? Garbage(int.Parse(words[2], CultureInfo.InvariantCulture)) : BuildFrame(words[1..]);
        FrameDisposition disposition = Harness.SendFor(port, frame);
        _pending = new Outcome(Harness.DrainEgress(), Harness.DrainControlPlane(), DropsOf(disposition, port));
        _pendingLine = _line;
    }

    private static byte[] Garbage(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = (byte)(0x11 * (i + 1));
        }
        return bytes;
    }

    private byte[] BuildFrame(string[] words)
    {
        if (words.Length < 3 || words[1] != "->")
        {
            throw Fail("send wants: send PORT SRC -> DST [options]");
        }
        var builder = new FrameBuilder().From(Mac(words[0])).To(Mac(words[2]));
        if (words.Length > 3 && words[3] == "bpdu")
        {
            return builder.StpBpdu().Build();
        }
        int? tagVid = null;
        int pcp = 0;
        bool dei = false;
        int size = 0;
        int stags = 0;
        ScenarioPacket? packet = null;
        for (int i = 3; i < words.Length; i++)
        {
            if (ScenarioPacket.Starts(words[i]) && packet is null)
            {
                packet = ScenarioPacket.Read(words, ref i, Fail);
                continue;
            }
            if (packet is not null && packet.TryOption(words, ref i, Fail))
            {
                continue;
            }
            if (words[i] == "dei")
            {
                dei = true;
                continue;
            }
            if (i + 1 >= words.Length)
            {
                throw Fail($"send option '{words[i]}' needs a value");
            }
            string value = words[++i];
            switch (words[i - 1])
            {
                case "tag": tagVid = Int(value); break;
                case "pcp": pcp = Int(value); break;
                case "stag": builder.ServiceTag(Int(value)); stags++; break;
                case "type": builder.EtherType(Convert.ToUInt16(value, 16)); break;
                case "size": size = Int(value); break;
                default: throw Fail($"unknown send option '{words[i - 1]}'");
            }
        }
        if (tagVid is int vid)
        {
            builder.Tag(vid, pcp, dei);
        }
        int headerSize = 14 + (4 * stags) + (tagVid is null ? 0 : 4);
        if (packet is not null)
        {
            packet.Apply(builder, size, headerSize);
        }
        else if (size > 0)
        {
            builder.Payload(new byte[Math.Max(0, size - headerSize)]);
        }
        return builder.Build();
    }

    /// <summary>
    /// The drops the engine reports for the frame: the frame itself on ingress, or each copy dropped at
    /// egress (the disposition names one reason for them: the last copy's).
    /// </summary>
    private static List<DropSeen> DropsOf(FrameDisposition disposition, int ingressPort)
    {
        var drops = new List<DropSeen>();
        if (disposition.IsDropped && disposition.DroppedCopyPorts == 0)
        {
            drops.Add(new DropSeen(ingressPort, false, disposition.Reason));
        }
        for (ulong copies = disposition.DroppedCopyPorts; copies != 0; copies &= copies - 1)
        {
            drops.Add(new DropSeen(System.Numerics.BitOperations.TrailingZeroCount(copies), true, disposition.Reason));
        }
        return drops;
    }

    // expect none REASON | expect trap
    // expect PORT [untagged | tag VID [pcp N]] [class N] [dscp N] | PORT dropped REASON [, PORT ...]
    private void Expect(string[] words)
    {
        Outcome outcome = _pending ?? throw Fail("expect without a send before it");
        _pending = null;
        string actual = Describe(outcome);
        if (words[0] == "none")
        {
            string wanted = words.Length > 1 ? $"dropped ({words[1]})" : "dropped";
            bool holds = outcome.Delivered.Count == 0 && outcome.Trapped.Count == 0 && outcome.Drops.Count == 1
                && (words.Length == 1 || DropReasons.Name(outcome.Drops[0].Reason) == words[1]);
            Check(holds, wanted, actual);
            return;
        }
        if (words[0] == "trap")
        {
            Check(outcome.Delivered.Count == 0 && outcome.Drops.Count == 0 && outcome.Trapped.Count == 1, "trapped", actual);
            return;
        }
        var expected = string.Join(' ', words).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool matches = outcome.Trapped.Count == 0;
        var unmatched = outcome.Delivered.ToList();
        var unmatchedDrops = outcome.Drops.ToList();
        foreach (string item in expected)
        {
            string[] parts = item.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int port = PortIndex(parts[0]);
            if (parts.Length == 3 && parts[1] == "dropped")
            {
                DropSeen? drop = unmatchedDrops.FirstOrDefault(d => d.Port == port && d.Egress && DropReasons.Name(d.Reason) == parts[2]);
                matches &= drop is not null && unmatchedDrops.Remove(drop);
                continue;
            }
            Delivered? hit = unmatched.FirstOrDefault(d => d.Port == port && Fits(d, parts[1..]));
            if (hit is null)
            {
                matches = false;
                continue;
            }
            unmatched.Remove(hit);
        }
        Check(matches && unmatched.Count == 0 && unmatchedDrops.Count == 0, string.Join(", ", expected), actual);
    }

    /// <summary>Whether a copy has the form asked for: the tag words as far as given, then class and DSCP if given.</summary>
    private bool Fits(Delivered copy, string[] wanted)
    {
        int qos = Array.FindIndex(wanted, word => word is "class" or "dscp");
        string[] form = qos < 0 ? wanted : wanted[..qos];
        string[] actualForm = TagForm(copy.Bytes).Split(' ');
        bool fits = form.Length <= actualForm.Length && form.AsSpan().SequenceEqual(actualForm.AsSpan(0, form.Length));
        for (int i = qos < 0 ? wanted.Length : qos; i < wanted.Length; i += 2)
        {
            if (i + 1 >= wanted.Length || wanted[i] is not ("class" or "dscp"))
            {
                throw Fail($"expected `class N` or `dscp N`, got '{string.Join(' ', wanted[i..])}'");
            }
            int value = Int(wanted[i + 1]);
            fits &= wanted[i] == "class" ? copy.TrafficClass == value : DscpOf(copy.Bytes) == value;
        }
        return fits;
    }

    private void Check(bool holds, string wanted, string actual)
    {
        if (!holds)
        {
            throw new ScenarioFailedException(_file, _line, $"expected {wanted}, got {actual}");
        }
    }

    private string Describe(Outcome outcome)
    {
        var parts = outcome.Delivered.Select(d => $"{_ports[d.Port].Name} {TagForm(d.Bytes)} class {d.TrafficClass}"
            + (DscpOf(d.Bytes) is int dscp and >= 0 ? $" dscp {dscp}" : "")).ToList();
        parts.AddRange(outcome.Trapped.Select(_ => "trapped"));
        parts.AddRange(outcome.Drops.Select(drop => drop.Egress
            ? $"{_ports[drop.Port].Name} dropped {DropReasons.Name(drop.Reason)}"
            : $"dropped ({DropReasons.Name(drop.Reason)})"));
        return parts.Count == 0 ? "nothing at all" : string.Join(", ", parts);
    }

    private static string TagForm(byte[] frame)
    {
        var header = new EthernetReader(frame);
        return header.OuterTagProtocol == EtherTypes.CustomerVlan
            ? $"tag {header.OuterVid} pcp {header.OuterPcp}"
            : "untagged";
    }

    // status PORT up | status PORT error-disabled|probing CAUSE [recovers-in SECONDS | manual]
    private void Status(string[] words)
    {
        var status = Harness.Engine.Status(PortIndex(words[0]));
        uint now = (uint)(Harness.Clock.GetTimestamp() / Harness.Clock.TimestampFrequency);
        string actual = !status.IsErrorDisabled ? "up"
            : $"{(status.Probing ? "probing" : "error-disabled")} {Kebab(status.Cause.ToString())} " + (status.RecoverAtSecond == 0 ? "manual" : $"recovers-in {status.RecoverAtSecond - now}");
        string wanted = string.Join(' ', words[1..]);
        Check(actual.StartsWith(wanted, StringComparison.Ordinal), wanted, actual);
    }

    // report HOST pinned PORT offending PORT | report none
    private void MoveReport(string[] words)
    {
        bool any = Harness.Engine.MacMoveReports.TryTake(out var report);
        string actual = !any ? "none" : $"{HostName(report.Mac)} pinned {_ports[report.PinnedPort].Name} offending {_ports[report.OffendingPort].Name}";
        string wanted = string.Join(' ', words);
        Check(actual == wanted, $"report {wanted}", $"report {actual}");
    }

    private string HostName(MacAddress mac) => _hosts.FirstOrDefault(host => host.Value == mac).Key ?? mac.ToString();

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    // fdb HOST on PORT [vlan V] | fdb HOST absent [vlan V] | fdb add HOST PORT [vlan V] static|sticky | fdb flush [port P] [vlan V]
    private void Fdb(string[] words)
    {
        FdbTable fdb = Harness.Engine.Fdb;
        int VlanOption(int from) => Array.IndexOf(words, "vlan") is int at and >= 0 && at >= from
            ? int.Parse(words[at + 1], CultureInfo.InvariantCulture) : 1;
        switch (words[0])
        {
            case "add":
                var kind = words.Contains("sticky") ? FdbEntryKind.Sticky : FdbEntryKind.Static;
                Harness.Engine.AddFdbEntry(VlanOption(3), Mac(words[1]), PortIndex(words[2]), kind);
                return;
            case "flush":
                int portAt = Array.IndexOf(words, "port");
                int vlanAt = Array.IndexOf(words, "vlan");
                fdb.Flush(portAt >= 0 ? PortIndex(words[portAt + 1]) : null, vlanAt >= 0 ? int.Parse(words[vlanAt + 1], CultureInfo.InvariantCulture) : null);
                return;
            default:
                int port = fdb.Lookup(VlanOption(2), Mac(words[0]));
                string actual = port < 0 ? "absent" : $"on {_ports[port].Name}";
                string wanted = words[1] == "absent" ? "absent" : $"on {words[2]}";
                Check(actual == wanted, $"{words[0]} {wanted}", $"{words[0]} {actual}");
                return;
        }
    }

    // counter PORT NAME [REASON] VALUE: rx, tx, forwarded, flooded, trapped, learned, moved, limit_hits,
    // mirrored, dropped R, egress_dropped R; counter acl|named|meter ... VALUE (ScenarioRunner.Policy.cs)
    private void Counter(string[] words)
    {
        if (words[0] is "acl" or "named" or "meter")
        {
            long hits = PolicyCounter(words);
            long expected = long.Parse(words[^1], CultureInfo.InvariantCulture);
            Check(hits == expected, $"{string.Join(' ', words[..^1])} = {expected}", hits.ToString(CultureInfo.InvariantCulture));
            return;
        }
        PortCounters counters = Harness.Engine.Counters(PortIndex(words[0]));
        long DropOf(string name, bool egress)
        {
            foreach (DropReason reason in Enum.GetValues<DropReason>())
            {
                if (DropReasons.Name(reason) == name)
                {
                    return egress ? counters.EgressDroppedFor(reason) : counters.DroppedFor(reason);
                }
            }
            throw Fail($"unknown drop reason '{name}'");
        }
        long actual = words[1] switch
        {
            "rx" => counters.RxFrames,
            "tx" => counters.TxFrames,
            "forwarded" => counters.Forwarded,
            "flooded" => counters.Flooded,
            "trapped" => counters.Trapped,
            "learned" => counters.Learned,
            "moved" => counters.MovedIn,
            "limit_hits" => counters.LearnLimitHits,
            "error_disabled" => counters.ErrorDisabled,
            "moves_damped" => counters.MovesDamped,
            "mirrored" => counters.Mirrored,
            "dropped" => DropOf(words[2], egress: false),
            "egress_dropped" => DropOf(words[2], egress: true),
            _ => throw Fail($"unknown counter '{words[1]}'"),
        };
        long wanted = long.Parse(words[^1], CultureInfo.InvariantCulture);
        Check(actual == wanted, $"{string.Join(' ', words[..^1])} = {wanted}", actual.ToString(CultureInfo.InvariantCulture));
    }
}
