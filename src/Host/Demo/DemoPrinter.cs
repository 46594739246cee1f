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
    private static readonly string[] ExchangeHeader = ["at", "from", "frame"];
    private static readonly string[] VsiHeader = ["vm", "vsi", "type", "manager", "asked", "bridge", "station", "acl"];
    private static readonly string[] CounterHeader = ["port", "rx", "tx", "forwarded", "trapped", "drops"];
    private static readonly string[] FdbHeader = ["vlan", "mac", "port", "kind"];

    public static void Print(DemoRun run, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("hairpin demo: the bridge engine and its 802.1Qbg control plane, in memory (no interfaces are touched)");
        output.WriteLine();
        PrintPorts(run, output);
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
        var held = new HashSet<VsiId>();   // the exchange is read as one conversation, step after step
        foreach (DemoStep step in run.Steps)
        {
            output.WriteLine(step.Title);
            PrintExchange(run, step, held, output);
            PrintControl(run, step.Control, previous, output);
            previous = step.Control;
            output.WriteLine(lines[0]);
            WriteLines(output, lines.GetRange(next, step.Frames.Count));
            next += step.Frames.Count;
            IEnumerable<string> received = ports.Select(port => string.Create(
                CultureInfo.InvariantCulture, $"{port} {step.Frames.Sum(frame => frame.CopiesTo(port))}"));
            output.WriteLine($"{Indent}copies received: {string.Join(", ", received)}");
            output.WriteLine();
        }
    }

    /// <summary>The LLDP and ECP frames between the dumb vswitch's station and hv1 during the step, decoded.</summary>
    private static void PrintExchange(DemoRun run, DemoStep step, HashSet<VsiId> held, TextWriter output)
    {
        if (step.Exchange.Count == 0)
        {
            return;
        }
        output.WriteLine($"{Indent}802.1Qbg frames on {run.Qbg.Port} meanwhile (the dumb vswitch's station and the bridge port, on the demo's clock):");
        var rows = new List<string[]> { ExchangeHeader };
        rows.AddRange(step.Exchange.Select(frame => new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"{frame.At.TotalSeconds:0.000}s"),
            frame.FromStation ? "station" : "bridge",
            FrameDescription.Control(frame.Frame, run.Hosts, held),
        }));
        WriteLines(output, TextTable.Format(rows, Indent + Indent));
    }

    /// <summary>Each VSI at both ends when any changed since the last step, and hv1's hairpin and VLANs as the engine now runs them.</summary>
    private static void PrintControl(DemoRun run, DemoControlView control, DemoControlView? previous, TextWriter output)
    {
        if (previous is null || !control.Vsis.SequenceEqual(previous.Vsis))
        {
            var rows = new List<string[]> { VsiHeader };
            rows.AddRange(control.Vsis.Select(vsi => new[] { vsi.Vm, vsi.VsiId, vsi.Type, vsi.Manager, vsi.Asked, vsi.Bridge, vsi.Station, vsi.Acl ?? "-" }));
            WriteLines(output, TextTable.Format(rows, Indent));
        }
        output.WriteLine($"{Indent}{run.Qbg.Port} hairpin {control.Hairpin}, vlans {control.Vlans}");
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
