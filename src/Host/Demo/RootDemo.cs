// `hairpin demo` as root: the lab with the real Linux stack. Two VMs (namespaces) behind the
// dumb vswitch's one uplink, the appliance on the other end of it, host-c on a second bridge port;
// pings over link-local addresses show hairpin off, hairpin on (toggled live by the CLI) and a VM
// isolation policy (loaded by `config reload`), with the bridge's own counters after each step. Cleans up on every
// exit, Ctrl-C and SIGTERM included.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Demo;

/// <summary>What a root demo run measured, step by step, and the suffix its namespaces carried.</summary>
internal sealed record RootDemoRun(string Suffix, IReadOnlyList<(string Step, IReadOnlyList<PingResult> Pings)> Steps);

internal static class RootDemo
{
    private const string BroadcastMac = "ff:ff:ff:ff:ff:ff";

    /// <summary>Runs the demo with Ctrl-C and SIGTERM turned into a cancellation, so cleanup always runs. Returns an exit code.</summary>
    public static int Run(TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var interrupted = new CancellationTokenSource();
        void Interrupt(PosixSignalContext signal)
        {
            signal.Cancel = true;
            interrupted.Cancel();
        }
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        using PosixSignalRegistration sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Interrupt);
        try
        {
            RootDemoRun run = RunAsync(output, interrupted.Token).GetAwaiter().GetResult();
            return Verdict(run, output) ? Cli.Success : 1;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            error.WriteLine("hairpin demo: interrupted; the lab was removed");
            return 130;
        }
#pragma warning disable CA1031 // a failed lab is reported, after its cleanup, not a crash
        catch (Exception exception)
#pragma warning restore CA1031
        {
            error.WriteLine($"hairpin demo: {exception.Message}");
            return 1;
        }
    }

    /// <summary>The story; every step's pings are returned as measured. Cleanup runs whatever happens.</summary>
    public static async Task<RootDemoRun> RunAsync(TextWriter output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("hairpin demo: a real lab in network namespaces (root): Linux pings through the dumb vswitch and the bridge");
        output.WriteLine();
        var steps = new List<(string, IReadOnlyList<PingResult>)>();
        RootDemoLab lab = await RootDemoLab.StartAsync(output, cancel).ConfigureAwait(false);
        try
        {
            PrintLab(lab, output);
            steps.Add(("1 hairpin off", await HairpinOffAsync(lab, output, cancel).ConfigureAwait(false)));
            steps.Add(("2 hairpin on", await HairpinOnAsync(lab, output, cancel).ConfigureAwait(false)));
            steps.Add(("3 isolation policy", await IsolationAsync(lab, output, cancel).ConfigureAwait(false)));
        }
        finally
        {
            Heading(output, "step 4: cleanup");
            await lab.DisposeAsync().ConfigureAwait(false);
        }
        PrintSummary(steps, output);
        return new RootDemoRun(lab.Net.Suffix, steps);
    }

    private static void PrintLab(RootDemoLab lab, TextWriter output)
    {
        NamespaceLab net = lab.Net;
        Heading(output, $"the lab (every namespace ends in -{net.Suffix}; all removed at the end)");
        output.WriteLine($"  {DemoScenario.VmA.Name,-7} {DemoScenario.VmA.IpText,-13} {DemoScenario.VmA.Mac}  namespace {net.VmA}: a VM on the dumb vswitch");
        output.WriteLine($"  {DemoScenario.VmB.Name,-7} {DemoScenario.VmB.IpText,-13} {DemoScenario.VmB.Mac}  namespace {net.VmB}: a VM on the dumb vswitch");
        output.WriteLine($"  {DemoScenario.HostC.Name,-7} {DemoScenario.HostC.IpText,-13} {DemoScenario.HostC.Mac}  namespace {net.HostC}: a host on bridge port {DemoScenario.Server}");
        output.WriteLine($"  the dumb vswitch (namespace {net.Hypervisor}) sends every VM frame up its uplink, even to the VM beside it (VEPA)");
        output.WriteLine($"  the bridge (namespace {net.Bridge}) has port {DemoScenario.Uplink} on that uplink and port {DemoScenario.Server} towards host-c");
        output.WriteLine("  neighbour entries are static, so each ping stands alone (no ARP held back and sent late)");
    }

    private static async Task<IReadOnlyList<PingResult>> HairpinOffAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        Heading(output, $"step 1: {DemoScenario.Uplink} hairpin off (the default for a new bridge port)");
        Explain(output, "a bridge never sends a frame back out the port it came in on, so vm-a's frames for vm-b die at hv1");
        var pings = new List<PingResult>
        {
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.HostC, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmB, DemoScenario.HostC, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.VmB, cancel).ConfigureAwait(false),
        };
        Explain(output, "the dumb vswitch sent everything from the VMs up its uplink, vm-a's frames for vm-b too:");
        lab.Vswitch("stats");
        Explain(output, "the bridge learned both VMs on hv1 and host-c on hv2:");
        lab.Hairpin("fdb", "show");
        Explain(output, "vm-a's pings to vm-b were counted as drops, with the reason:");
        lab.Hairpin("stats", "dev", DemoScenario.Uplink);
        Explain(output, "the ports and their flags:");
        lab.Hairpin("link", "show");
        return pings;
    }

    private static async Task<IReadOnlyList<PingResult>> HairpinOnAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        Heading(output, $"step 2: hairpin on, live, through the CLI (802.1Qbg reflective relay)");
        Explain(output, "the bridge may now send a frame back out hv1; the dumb vswitch delivers it to vm-b");
        lab.Hairpin("link", "set", "dev", DemoScenario.Uplink, "hairpin", "on");
        lab.Hairpin("link", "show", "dev", DemoScenario.Uplink);
        var pings = new List<PingResult>
        {
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.VmB, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.HostC, cancel).ConfigureAwait(false),
        };
        Explain(output, "a reflected broadcast reaches every VM behind hv1, so vm-b also answers packets for its IP sent to the broadcast MAC:");
        pings.Add(await lab.PingViaAsync(DemoScenario.VmA, DemoScenario.VmB, BroadcastMac, "broadcast", cancel).ConfigureAwait(false));
        Explain(output, "no new reflective-relay-off drops; tx on hv1 now counts the reflected frames:");
        lab.Hairpin("stats", "dev", DemoScenario.Uplink);
        return pings;
    }

    private static async Task<IReadOnlyList<PingResult>> IsolationAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        Heading(output, "step 3: vm-a and vm-b isolated by policy bound to each VM, loaded by `config reload`");
        Explain(output, "an ACL bound to each VM (port and MAC) denies the other VM's IP whatever the destination MAC (a rule on the");
        Explain(output, "MAC pair would miss the broadcast trick above); port security admits only the two VMs' MACs on hv1, so a");
        Explain(output, "forged source MAC escapes no binding (the dumb vswitch refuses forged sources too). The file gains");
        Explain(output, $"(hairpin: true too: a reload applies the whole file), in {lab.BridgeConfigFile}:");
        foreach (string line in $"  - name: {DemoScenario.Uplink}\n{DemoConfigs.PolicyPortLines}{DemoConfigs.PolicyLines}".TrimEnd().Split('\n'))
        {
            output.WriteLine($"  | {line}");
        }
        await lab.WriteBridgeConfigAsync(DemoConfigs.Bridge(lab.BridgeSocket, withPolicy: true), cancel).ConfigureAwait(false);
        lab.Hairpin("config", "reload");
        var pings = new List<PingResult>
        {
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.VmB, cancel).ConfigureAwait(false),
            await lab.PingViaAsync(DemoScenario.VmA, DemoScenario.VmB, BroadcastMac, "broadcast", cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmB, DemoScenario.VmA, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.HostC, cancel).ConfigureAwait(false),
        };
        Explain(output, "each deny rule's hit counter, and the drops they caused (reason acl-denied):");
        lab.Hairpin("acl", "show");
        lab.Hairpin("stats", "dev", DemoScenario.Uplink);
        return pings;
    }

    /// <summary>The summary's columns: who pings whom, and through which destination MAC.</summary>
    private static readonly (string From, string To, string? Via)[] Columns =
    [
        (DemoScenario.VmA.Name, DemoScenario.VmB.Name, null),
        (DemoScenario.VmA.Name, DemoScenario.VmB.Name, "broadcast"),
        (DemoScenario.VmB.Name, DemoScenario.VmA.Name, null),
        (DemoScenario.VmA.Name, DemoScenario.HostC.Name, null),
    ];

    private static void PrintSummary(List<(string Step, IReadOnlyList<PingResult> Pings)> steps, TextWriter output)
    {
        Heading(output, "summary (answered of sent; - not tried)");
        List<string[]> rows = [["step", .. Columns.Select(column => column.Via is null ? $"{column.From} -> {column.To}" : $"{column.From} -> {column.To} via {column.Via}")]];
        foreach ((string step, IReadOnlyList<PingResult> pings) in steps)
        {
            rows.Add([step, .. Columns.Select(column => Find(pings, column) is PingResult ping ? $"{ping.Received}/{ping.Sent}" : "-")]);
        }
        foreach (string line in TextTable.Format(rows, "  ", 1, 2, 3, 4))
        {
            output.WriteLine(line);
        }
    }

    private static PingResult? Find(IReadOnlyList<PingResult> pings, (string From, string To, string? Via) column) =>
        pings.FirstOrDefault(ping => ping.From == column.From && ping.To == column.To && ping.Via == column.Via);

    /// <summary>
    /// True when the lab did what the story says: A->B none, some, none; the broadcast trick reaches B
    /// with hairpin on and not under the policy; B->A not under the policy; A->C always.
    /// </summary>
    private static bool Verdict(RootDemoRun run, TextWriter output)
    {
        bool?[] Reached((string, string, string?) column) => [.. run.Steps.Select(step => Find(step.Pings, column)?.Reached)];
        bool asTold = Reached(Columns[0]) is [false, true, false]
            && Reached(Columns[1]) is [null, true, false]
            && Reached(Columns[2]) is [null, null, false]
            && Reached(Columns[3]).All(reached => reached == true);
        output.WriteLine();
        output.WriteLine(asTold
            ? "as told: vm-a reached vm-b only with hairpin on and before the policy (by unicast or the broadcast MAC), and host-c throughout"
            : "unexpected: the pings above did not go as the story says (see the counters for why)");
        return asTold;
    }

    private static void Heading(TextWriter output, string title)
    {
        output.WriteLine();
        output.WriteLine($"== {title}");
    }

    private static void Explain(TextWriter output, string text) => output.WriteLine($"# {text}");
}
