// Prints a finished demo run. Every verdict is read from the run's outcomes (egress rings and counter
// deltas), the control frames exchanged and the protocol machines' state after each step, and the
// bridge's final counters and FDB; the printer knows nothing of what should happen.
using System.Globalization;
using System.Text;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Demo;

internal static class DemoPrinter
{
    private const string Indent = "  ";
    private static readonly string[] FrameHeader = ["in", "vlan", "src > dst", "type", "out"];
    private static readonly string[] ExchangeHeader = ["at", "on", "from", "frame"];
    private static readonly string[] LogHeader = ["at", "appliance", "log"];
    private static readonly string[] VsiHeader = ["vm", "uplink", "vsi", "type", "manager", "asked", "bridge", "station", "acl"];
    private static readonly string[] CounterHeader = ["port", "rx", "tx", "forwarded", "trapped", "drops"];
    private static readonly string[] FdbHeader = ["vlan", "mac", "port", "kind"];

    public static void Print(DemoRun run, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("hairpin demo: the bridge engine and its 802.1Qbg and MVRP control planes, in memory (no interfaces are touched)");
        output.WriteLine();
        PrintPorts(run, output);
        PrintAggregation(run.Control.Mvrp.AggregationConfig, output);
        PrintVsiTypes(run.File, output);
        PrintSteps(run, output);
        PrintCounters(run.Bridge, output);
        PrintFdb(run.Bridge, output);
    }

    /// <summary>"-> hv1 (reflected), hv2", "dropped: reflective-relay-off", from what actually left the engine.</summary>
    public static string Verdict(FrameOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var parts = new List<string>();
        if (outcome.Deliveries.Count > 0)
        {
            parts.Add("-> " + string.Join(", ", outcome.Deliveries.Select(Describe)));
        }
        if (outcome.Trapped)
        {
            parts.Add("trapped to the control plane");
        }
        foreach (Drop drop in outcome.Drops)
        {
            string count = drop.Count == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" x{drop.Count}");
            parts.Add(drop.AtEgress ? $"copy for {drop.Port} dropped: {drop.ReasonName}{count}" : $"dropped: {drop.ReasonName}{count}");
        }
        if (outcome.Beyond is FrameOutcome beyond)
        {
            parts.Add($"then at the {outcome.BeyondAppliance}: {Verdict(beyond)}");
        }
        return parts.Count == 0 ? "nothing left the bridge and nothing was counted" : string.Join("; ", parts);
    }

    private static string Describe(Delivery delivery)
    {
        var text = new StringBuilder(delivery.Port);
        if (delivery.Reflected)
        {
            text.Append(" (reflected)");
        }
        if (delivery.Modified)
        {
            text.Append(delivery.Vid == 0 ? " (untagged)" : string.Create(CultureInfo.InvariantCulture, $" (tagged {delivery.Vid})"));
        }
        return text.ToString();
    }

    /// <summary>The ports as the bridge's config file sets them, and who is behind each (a VM with its VSI).</summary>
    private static void PrintPorts(DemoRun run, TextWriter output)
    {
        // One table over every host, so the columns line up from port to port.
        List<string> hostLines = TextTable.Format(
            [.. run.Hosts.Select(host => new[] { host.Name, host.Mac.ToString(), host.IpText, VsiOf(host) })], "");
        output.WriteLine("ports (the bridge's config file)");
        foreach (PortConfig port in run.File.Bridge.Ports)
        {
            string role = run.PortRoles.TryGetValue(port.Name, out string? text) ? text : "";
            string evb = run.File.Evb.FirstOrDefault(e => e.Port == port.Name) is EvbPortConfig e
                ? $"evb: bridge, hairpin {(e.Hairpin == HairpinMode.Auto ? "auto" : $"pinned {KebabNames.Of(e.Hairpin)}")}  "
                : "";
            output.WriteLine($"{Indent}{port.Name}  {Vlans(port.Vlans)}  {evb}{role}".TrimEnd());
            string hostIndent = Indent + new string(' ', port.Name.Length + 2);
            for (int i = 0; i < run.Hosts.Count; i++)
            {
                if (run.Hosts[i].Port == port.Name)
                {
                    output.WriteLine(hostIndent + hostLines[i]);
                }
            }
        }
        output.WriteLine();
    }

    private static string VsiOf(DemoHost host) =>
        DemoScenario.Vsis.FirstOrDefault(vsi => vsi.Vm == host) is DemoVsi vsi
            ? $"announced by the dumb vswitch as VSI type {vsi.TypeText}, manager {vsi.Manager}"
            : "";

    /// <summary>The aggregation appliance's ports as its config file sets them: the trunk's other end, and host-d's access port.</summary>
    private static void PrintAggregation(HostConfig file, TextWriter output)
    {
        output.WriteLine("aggregation appliance (its config file: the other end of the agg trunk)");
        DemoHost hostD = DemoConfigs.HostD;
        var rows = new List<string[]>();
        foreach (PortConfig port in file.Bridge.Ports)
        {
            bool mvrp = file.Mvrp?.Ports.Any(candidate => candidate.Port == port.Name) == true;
            rows.Add([port.Name, Vlans(port.Vlans), mvrp ? "mvrp" : "", hostD.Port == port.Name ? $"{hostD.Name} {hostD.Mac} {hostD.IpText}" : ""]);
        }
        WriteLines(output, TextTable.Format(rows, Indent).Select(line => line.TrimEnd()));
        if (file.Mvrp is { DeclareStatic: true })
        {
            output.WriteLine($"{Indent}mvrp: declare_static (its MVRP ports declare the VLANs of its other ports)");
        }
        output.WriteLine();
    }

    private static void PrintVsiTypes(HostConfig file, TextWriter output)
    {
        output.WriteLine("vsi types (the bridge's port profiles: a VM's type decides its VLAN and policy)");
        foreach (VsiTypeConfig type in file.VsiTypes)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Indent}{type.Id}/{type.Version}  vlan {type.Vlan}  acl {type.Acl ?? "none"}"));
        }
        output.WriteLine();
    }

    /// <summary>"vlan 1 untagged" for an access port, otherwise the full membership.</summary>
    private static string Vlans(PortVlans vlans) =>
        vlans.Pvid != 0 && vlans.Members.Equals(VlanSet.Of(vlans.Pvid)) && vlans.Untagged.Equals(vlans.Members)
            ? string.Create(CultureInfo.InvariantCulture, $"vlan {vlans.Pvid} untagged")
            : vlans.ToString();

    private static void PrintSteps(DemoRun run, TextWriter output)
    {
        // One table over every step, so the columns line up from step to step.
        IReadOnlyList<DemoHost> hosts = run.Hosts;
        var rows = new List<string[]> { FrameHeader };
        foreach (DemoStep step in run.Steps)
        {
            rows.AddRange(step.Frames.Select(frame => new[]
            {
                frame.IngressPort,
                FrameDescription.Vlan(frame.Frame),
                FrameDescription.Addresses(frame.Frame, hosts),
                FrameDescription.Type(frame.Frame, hosts),
                Verdict(frame),
            }));
        }
        List<string> lines = TextTable.Format(rows, Indent);
        int next = 1;
        IReadOnlyList<string> ports = run.Bridge.PortNames;
        DemoControlView? previous = null;
        var held = new Dictionary<string, HashSet<VsiId>>(StringComparer.Ordinal);   // each link's exchange is read as one conversation, step after step
        foreach (DemoStep step in run.Steps)
        {
            output.WriteLine(step.Title);
            PrintExchange(run, step, held, output);
            PrintLog(step, output);
            PrintControl(step.Control, previous, output);
            previous = step.Control;
            output.WriteLine(lines[0]);
            WriteLines(output, lines.GetRange(next, step.Frames.Count));
            next += step.Frames.Count;
            IEnumerable<string> received = ports.Select(port => string.Create(
                CultureInfo.InvariantCulture, $"{port} {step.Frames.Sum(frame => frame.CopiesTo(port))}"));
            output.WriteLine($"{Indent}copies received: {string.Join(", ", received)}");
            foreach (DemoShow show in step.Shows)
            {
                output.WriteLine($"{Indent}$ {show.Command}");
                WriteLines(output, show.Lines.Select(line => Indent + line));
            }
            output.WriteLine();
        }
    }

    /// <summary>
    /// The control frames of the step, decoded: LLDP and ECP between each dumb vswitch's station and its
    /// bridge port, MVRP between the bridge and the aggregation on the trunk (named by the bridge's port).
    /// </summary>
    private static void PrintExchange(DemoRun run, DemoStep step, Dictionary<string, HashSet<VsiId>> held, TextWriter output)
    {
        if (step.Exchange.Count == 0)
        {
            return;
        }
        output.WriteLine($"{Indent}control frames meanwhile (802.1Qbg between a dumb vswitch's station and its bridge port, MVRP on the trunk; the demo's clock):");
        var rows = new List<string[]> { ExchangeHeader };
        // A frame that says what its sender's previous one on that link said (MVRP's periodic re-declarations,
        // LLDP's refreshes) is counted below the table rather than listed again.
        var previous = new Dictionary<(string Link, string From), string>();
        var repeats = new List<(string Link, string From, TimeSpan At)>();
        foreach (WireFrame frame in step.Exchange)
        {
            if (!held.TryGetValue(frame.Link, out HashSet<VsiId>? heldHere))
            {
                heldHere = [];
                held[frame.Link] = heldHere;
            }
            string described = FrameDescription.Control(frame.Frame, run.Hosts, heldHere);
            if (previous.TryGetValue((frame.Link, frame.From), out string? last) && last == described)
            {
                repeats.Add((frame.Link, frame.From, frame.At));
                continue;
            }
            previous[(frame.Link, frame.From)] = described;
            rows.Add([Seconds(frame.At), frame.Link, frame.From, described]);
        }
        WriteLines(output, TextTable.Format(rows, Indent + Indent));
        if (repeats.Count > 0)
        {
            IEnumerable<string> groups = repeats.GroupBy(repeat => (repeat.Link, repeat.From)).Select(group => string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.Link} {group.Key.From} {group.Count()} ({Seconds(group.First().At)}{(group.Count() > 1 ? $" to {Seconds(group.Last().At)}" : "")})"));
            output.WriteLine($"{Indent}{Indent}and {Number(repeats.Count)} more, each the same as its sender's previous frame on that link: {string.Join(", ", groups)}");
        }
    }

    /// <summary>What the appliances logged during the step (QbgPlane's and MvrpPlane's own lines), on the demo's clock.</summary>
    private static void PrintLog(DemoStep step, TextWriter output)
    {
        if (step.Log.Count == 0)
        {
            return;
        }
        output.WriteLine($"{Indent}logged meanwhile:");
        var rows = new List<string[]> { LogHeader };
        rows.AddRange(step.Log.Select(line => new[] { Seconds(line.At), line.Appliance, line.Message }));
        WriteLines(output, TextTable.Format(rows, Indent + Indent));
    }

    private static string Seconds(TimeSpan at) => string.Create(CultureInfo.InvariantCulture, $"{at.TotalSeconds:0.000}s");

    /// <summary>
    /// Each VSI at both ends when any changed since the last step; the hairpin and VLANs of each port a
    /// station is cabled to, and both ends of the MVRP trunk, as the engines now run them.
    /// </summary>
    private static void PrintControl(DemoControlView control, DemoControlView? previous, TextWriter output)
    {
        if (previous is null || !control.Vsis.SequenceEqual(previous.Vsis))
        {
            var rows = new List<string[]> { VsiHeader };
            rows.AddRange(control.Vsis.Select(vsi => new[] { vsi.Vm, vsi.Port, vsi.VsiId, vsi.Type, vsi.Manager, vsi.Asked, vsi.Bridge, vsi.Station, vsi.Acl ?? "-" }));
            WriteLines(output, rows.Count == 1 ? [$"{Indent}no VSI at either end"] : TextTable.Format(rows, Indent));
        }
        foreach (DemoPortView port in control.Ports)
        {
            output.WriteLine($"{Indent}{port.Port} hairpin {port.Hairpin}, vlans {port.Vlans}");
        }
        foreach (DemoTrunkView end in control.Trunk)
        {
            output.WriteLine($"{Indent}{end.Port} ({end.Appliance}) mvrp declared {end.Declared}, registered {end.Registered}; vlans {end.Vlans}");
        }
    }

    private static void PrintCounters(DemoBridge bridge, TextWriter output)
    {
        output.WriteLine("counters");
        var rows = new List<string[]> { CounterHeader };
        foreach (string port in bridge.PortNames)
        {
            PortCounters counters = bridge.Counters(port);
            rows.Add(
            [
                port,
                Number(counters.RxFrames),
                Number(counters.TxFrames),
                Number(counters.Forwarded),
                Number(counters.Trapped),
                DropSummary(counters),
            ]);
        }
        WriteLines(output, TextTable.Format(rows, Indent, 1, 2, 3, 4));
        output.WriteLine();
    }

    private static string DropSummary(PortCounters counters)
    {
        var parts = new List<string>();
        foreach (DropReason reason in Enum.GetValues<DropReason>())
        {
            if (counters.DroppedFor(reason) != 0)
            {
                parts.Add($"{DropReasons.Name(reason)} {Number(counters.DroppedFor(reason))}");
            }
            if (counters.EgressDroppedFor(reason) != 0)
            {
                parts.Add($"egress {DropReasons.Name(reason)} {Number(counters.EgressDroppedFor(reason))}");
            }
        }
        return parts.Count == 0 ? "-" : string.Join(", ", parts);
    }

    private static void PrintFdb(DemoBridge bridge, TextWriter output)
    {
        output.WriteLine("fdb");
        var rows = new List<string[]> { FdbHeader };
        foreach (FdbEntry entry in bridge.FdbEntries())
        {
            rows.Add([Number(entry.Vid), entry.Mac.ToString(), bridge.PortName(entry.Port), entry.Kind.ToString().ToLowerInvariant()]);
        }
        WriteLines(output, TextTable.Format(rows, Indent, 0));
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteLines(TextWriter output, IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            output.WriteLine(line);
        }
    }
}
