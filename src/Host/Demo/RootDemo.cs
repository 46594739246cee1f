// `hairpin demo` as root: the issue's lab with the real Linux stack. Two VMs (namespaces) behind the
// dumb vswitch's one uplink, the appliance on the other end of it, host-c on a second bridge port. The
// two programs speak 802.1Qbg: the vswitch announces each VM (VDP), the bridge gives it the VLAN and
// policy of its VSI type and negotiates hairpin (reflective relay); an aggregation appliance above it,
// on an MVRP trunk, carries VLAN 10 only once the bridge declares it for its VMs. Pings over link-local
// addresses show VLAN 10 reaching host-d behind the aggregation, hairpin pinned off, hairpin auto (on,
// as negotiated), each type's policy (loaded by `config reload`) and a move (vm-a migrates to a second
// hypervisor behind hv3, a ping running across it; its policy, counters and VLAN 10 upstream follow),
// with the CLI's own views after each step. Cleans up on every exit, Ctrl-C and
// SIGTERM included.
using System.Globalization;
using System.Runtime.InteropServices;
using Hairpin.Host.Management;

namespace Hairpin.Host.Demo;

/// <summary>What a root demo run measured, step by step, and the suffix its namespaces carried.</summary>
/// <param name="Negotiated">Whether `link show dev hv1` said `on (negotiated)` once hairpin was auto.</param>
/// <param name="Mvrp">What the MVRP step measured (and the move, of VLAN 10 upstream); null when the run ended before it.</param>
/// <param name="Move">What the move measured; null when the run ended before it.</param>
internal sealed record RootDemoRun(string Suffix, IReadOnlyList<(string Step, IReadOnlyList<PingResult> Pings)> Steps, bool Negotiated, MvrpResult? Mvrp, MoveResult? Move);

/// <summary>VLAN 10 brought up to the aggregation appliance by MVRP, as both appliances saw it.</summary>
/// <param name="CarriedBefore">The aggregation's trunk had VLAN 10 registered before any VM was announced.</param>
/// <param name="Took">From the bridge's first VSI association to the aggregation's registration of VLAN 10 on its trunk, between their log lines (UTC, one clock); null when a line is missing.</param>
/// <param name="Registered">The aggregation's trunk carried VLAN 10, added by MVRP (dynamic), once the VMs were associated.</param>
/// <param name="ToHostD">vm-a's ping to host-d, across both appliances.</param>
/// <param name="KeptAcrossMove">After the move the trunk still carried VLAN 10 (vm-a on hv3 and vm-b still need it); null when the run ended before.</param>
internal sealed record MvrpResult(bool CarriedBefore, TimeSpan? Took, bool Registered, PingResult ToHostD, bool? KeptAcrossMove = null)
{
    /// <summary>The longest the registration may take: a transmit opportunity comes within a join time (200 ms) of the declaration.</summary>
    public static readonly TimeSpan MaxTook = TimeSpan.FromSeconds(1);

    public bool AsTold => !CarriedBefore && Registered && Took is { } took && took >= TimeSpan.Zero && took <= MaxTook
        && ToHostD.Reached && KeptAcrossMove == true;
}

/// <summary>vm-a's move as the bridge and the ping across it saw it.</summary>
/// <param name="Port">The port the bridge held vm-a's VSI on after the move.</param>
/// <param name="InBefore">Frames from vm-a the bridge had counted for its VSI just before the move.</param>
/// <param name="InAfter">The same counter after the move: continued if it is at least InBefore plus every echo reply of the ping across.</param>
/// <param name="Across">host-c's ping to vm-a, started before the move and ended after it.</param>
/// <param name="Logged">The appliance logged "VSI ... moved from port hv1 to port hv3".</param>
internal sealed record MoveResult(string Port, long InBefore, long InAfter, PingResult Across, bool Logged)
{
    /// <summary>Most pings (0.1 s apart) the move may cost: the destination's port coming up is noticed within about a second.</summary>
    public const int MaxLost = 10;

    public int Lost => Across.Sent - Across.Received;
    public bool CountersContinued => InAfter >= InBefore + Across.Received;
    public bool AsTold => Port == DemoConfigs.DestinationUplink && CountersContinued && Lost <= MaxLost && Logged;
}

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
        output.WriteLine("hairpin demo: a real lab in network namespaces (root): Linux pings through the dumb vswitch and the bridge, which speak 802.1Qbg");
        output.WriteLine();
        var steps = new List<(string, IReadOnlyList<PingResult>)>();
        bool negotiated = false;
        MvrpResult? mvrp = null;
        MoveResult? move = null;
        RootDemoLab lab = await RootDemoLab.StartAsync(output, cancel).ConfigureAwait(false);
        try
        {
            PrintLab(lab, output);
            steps.Add(("1 announced, hairpin pinned off", await AnnouncedAsync(lab, output, cancel).ConfigureAwait(false)));
            mvrp = await MvrpAsync(lab, output, cancel).ConfigureAwait(false);
            steps.Add(("2 VLAN 10 up to aggregation", [mvrp.ToHostD]));
            (IReadOnlyList<PingResult> pings, negotiated) = await HairpinAutoAsync(lab, output, cancel).ConfigureAwait(false);
            steps.Add(("3 hairpin auto", pings));
            steps.Add(("4 policy by VSI type", await PolicyAsync(lab, output, cancel).ConfigureAwait(false)));
            (pings, move, bool kept) = await MoveAsync(lab, output, cancel).ConfigureAwait(false);
            mvrp = mvrp with { KeptAcrossMove = kept };
            steps.Add(("5 vm-a moved to hv3", pings));
        }
        finally
        {
            Heading(output, "step 6: cleanup");
            await lab.DisposeAsync().ConfigureAwait(false);
        }
        PrintSummary(steps, output);
        return new RootDemoRun(lab.Net.Suffix, steps, negotiated, mvrp, move);
    }

    private static void PrintLab(RootDemoLab lab, TextWriter output)
    {
        NamespaceLab net = lab.Net;
        Heading(output, $"the lab (every namespace ends in -{net.Suffix}; all removed at the end)");
        output.WriteLine($"  {DemoScenario.VmA.Name,-7} {DemoScenario.VmA.IpText,-13} {DemoScenario.VmA.Mac}  namespace {net.VmA}: a VM on the dumb vswitch, VSI type {DemoScenario.VsiA.TypeText}");
        output.WriteLine($"  {DemoScenario.VmB.Name,-7} {DemoScenario.VmB.IpText,-13} {DemoScenario.VmB.Mac}  namespace {net.VmB}: a VM on the dumb vswitch, VSI type {DemoScenario.VsiB.TypeText}");
        output.WriteLine($"  {DemoScenario.HostC.Name,-7} {DemoScenario.HostC.IpText,-13} {DemoScenario.HostC.Mac}  namespace {net.HostC}: a host on bridge port {DemoScenario.Server} (access VLAN {DemoConfigs.Vlan})");
        output.WriteLine($"  the dumb vswitch (namespace {net.Hypervisor}) sends every VM frame up its uplink, even to the VM beside it (VEPA),");
        output.WriteLine($"  tagged with the VLAN the bridge gave the VM's VSI; its uplink is an 802.1Qbg station that announces each VM (VDP)");
        output.WriteLine($"  the bridge (namespace {net.Bridge}) has port {DemoScenario.Uplink} (evb: bridge) on that uplink and port {DemoScenario.Server} towards host-c");
        output.WriteLine($"  a second hypervisor (namespace {net.Destination}, its uplink on bridge port {DemoConfigs.DestinationUplink}, evb: bridge) is where vm-a will move:");
        output.WriteLine($"  vm-a's copy there (namespace {net.VmADestination}, the same MAC and IP) has its port down until the move");
        output.WriteLine($"  {DemoConfigs.HostD.Name,-7} {DemoConfigs.HostD.IpText,-13} {DemoConfigs.HostD.Mac}  namespace {net.HostD}: a host on the aggregation appliance's port {DemoConfigs.HostDPort} (access VLAN {DemoConfigs.Vlan})");
        output.WriteLine($"  the aggregation appliance (namespace {net.Aggregation}) reaches the bridge by an MVRP trunk ({DemoConfigs.AggregationDownlink} - {DemoConfigs.AggregationUplink}) that carries VLAN 1 alone");
        output.WriteLine($"  until MVRP adds a VLAN someone needs");
        output.WriteLine("  neighbour entries are static, so each ping stands alone (no ARP held back and sent late)");
    }

    private static async Task<IReadOnlyList<PingResult>> AnnouncedAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        Heading(output, $"step 1: the VMs announced themselves; {DemoScenario.Uplink} hairpin pinned off (hairpin: false)");
        Explain(output, "the dumb vswitch heard the bridge's EVB TLV, asked for reflective relay and announced each VM (VDP Associate,");
        Explain(output, $"VID 0: bridge, assign one); the bridge looked up each VSI type and answered VLAN {DemoConfigs.Vlan}. The bridge's view:");
        lab.Hairpin("vsi", "show");
        Explain(output, $"the dumb vswitch's view: both VMs associated, their frames tagged {DemoConfigs.Vlan} on the uplink:");
        lab.Vswitch("vsi", "show");
        Explain(output, "the station behind hv1 and its EVB TLV: it asks for reflective relay (rrreq), the bridge can and grants it (rrcap,rrctr):");
        lab.Hairpin("lldp", "neighbors");
        Explain(output, "but the config file pins hv1's hairpin off, whatever the station asks:");
        lab.Hairpin("link", "show", "dev", DemoScenario.Uplink);
        Explain(output, "a bridge that does not reflect never sends a frame back out the port it came in on: vm-a's frames for vm-b die at hv1");
        var pings = new List<PingResult>
        {
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.HostC, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmB, DemoScenario.HostC, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.VmB, cancel).ConfigureAwait(false),
        };
        Explain(output, "vm-a's pings to vm-b were counted as drops, with the reason; then hv1's LLDP, ECP and VDP counters (ECP waits");
        Explain(output, "2.56 ms for an acknowledgement by default; one that comes later over these sockets has the request resent, and");
        Explain(output, "the receiver only acknowledges the duplicate):");
        lab.Hairpin("stats", "dev", DemoScenario.Uplink);
        return pings;
    }

    /// <summary>How long the aggregation's trunk may take to carry VLAN 10 once the step looks (it did during start-up).</summary>
    private static readonly TimeSpan RegistrationLimit = TimeSpan.FromSeconds(5);

    private static async Task<MvrpResult> MvrpAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        string up = DemoConfigs.AggregationUplink;
        string down = DemoConfigs.AggregationDownlink;
        Heading(output, $"step 2: VLAN {DemoConfigs.Vlan} follows the VMs up to the aggregation appliance (MVRP); no VLAN typed in on either trunk end");
        Explain(output, $"the bridge declares up {up} the VLANs of the VSIs associated on its evb ports; once its first VM of VLAN {DemoConfigs.Vlan} was associated,");
        Explain(output, $"the aggregation heard the declaration, registered VLAN {DemoConfigs.Vlan} on {down} and carries it there. The two appliances' logs (UTC, one clock):");
        bool registered = await lab.WaitForAggregationVlanAsync(RegistrationLimit, cancel).ConfigureAwait(false);
        string? associated = FirstLine(lab.ApplianceLog, line => line.Contains(": VSI ", StringComparison.Ordinal) && line.Contains(" associated (", StringComparison.Ordinal));
        string? heard = FirstLine(lab.AggregationLog, line => line.Contains($"port {down}: MVRP registered VLAN {DemoConfigs.Vlan}", StringComparison.Ordinal));
        TimeSpan? took = null;
        foreach (string? line in new[] { associated, heard })
        {
            output.WriteLine($"  {line ?? "(no such line)"}");
        }
        if (LogTime(associated) is DateTime from && LogTime(heard) is DateTime to)
        {
            took = to - from;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  => {took.Value.TotalMilliseconds:0} ms from the bridge's first association to VLAN {DemoConfigs.Vlan} registered at the aggregation"));
        }
        Explain(output, $"the aggregation's trunk now carries VLAN {DemoConfigs.Vlan}, added by MVRP (dynamic):");
        lab.Aggregation("mvrp", "show", "dev", down);
        Explain(output, $"the bridge's end declares VLAN {DemoConfigs.Vlan} (its VMs') and registers the aggregation's (host-d's, declare_static): the way back");
        lab.Hairpin("mvrp", "show", "dev", up);
        Explain(output, $"vm-a reaches host-d across both appliances (tagged {DemoConfigs.Vlan} on the uplink and the trunk, untagged to host-d):");
        PingResult ping = await lab.PingAsync(DemoScenario.VmA, DemoConfigs.HostD, cancel).ConfigureAwait(false);
        return new MvrpResult(lab.CarriedBeforeTheVms, took, registered, ping);
    }

    private static string? FirstLine(string log, Func<string, bool> wanted) =>
        log.Split('\n').Select(line => line.TrimEnd()).FirstOrDefault(wanted);

    /// <summary>The UTC time an appliance stamped on a log line (its first word, yyyy-MM-ddTHH:mm:ss.fff), or null.</summary>
    private static DateTime? LogTime(string? line) =>
        line is not null && line.Length >= 23 && DateTime.TryParseExact(line[..23], "yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime stamp) ? stamp : null;

    private static async Task<(IReadOnlyList<PingResult> Pings, bool Negotiated)> HairpinAutoAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        Heading(output, "step 3: hairpin auto, live, through the CLI: hv1 follows the 802.1Qbg negotiation (reflective relay)");
        Explain(output, "the station asked for reflective relay, so the bridge now sends a frame back out hv1; the dumb vswitch delivers it to vm-b");
        lab.Hairpin("link", "set", "dev", DemoScenario.Uplink, "hairpin", "auto");
        lab.Hairpin("link", "show", "dev", DemoScenario.Uplink);
        bool negotiated = RootDemoLab.Json<List<PortInfo>>(lab.BridgeSocket, "link", "show", "dev", DemoScenario.Uplink) is [PortInfo hv1]
            && hv1.Flags.Hairpin && hv1.Evb is { Hairpin: "auto", Negotiated: true };
        var pings = new List<PingResult>
        {
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.VmB, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.HostC, cancel).ConfigureAwait(false),
        };
        Explain(output, "a reflected broadcast reaches every VM behind hv1, so vm-b also answers packets for its IP sent to the broadcast MAC:");
        pings.Add(await lab.PingViaAsync(DemoScenario.VmA, DemoScenario.VmB, BroadcastMac, "broadcast", cancel).ConfigureAwait(false));
        return (pings, negotiated);
    }

    private static async Task<IReadOnlyList<PingResult>> PolicyAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        Heading(output, "step 4: policy by VSI type, loaded by `config reload`");
        Explain(output, "each VSI type gains an ACL, bound by the bridge to every VM of that type: type 42 denies vm-b's IP, type 43 vm-a's,");
        Explain(output, "whatever the destination MAC (a rule on the MAC pair would miss the broadcast trick above). No port security or");
        Explain(output, "per-MAC binding is needed: hv1 admits only the associated (MAC, VID) pairs. hv1 no longer pins its hairpin (auto).");
        Explain(output, $"The file's ports, ACLs and types now read, in {lab.BridgeConfigFile}:");
        lab.Listing($"ports:\n{DemoConfigs.UplinkLines(withPolicy: true)}  ...\n{DemoConfigs.PolicyLines}{DemoConfigs.VsiTypeLines(withPolicy: true)}");
        await lab.WriteBridgeConfigAsync(DemoConfigs.Bridge(lab.BridgeSocket, withPolicy: true, withDestination: true, withAggregation: true), cancel).ConfigureAwait(false);
        lab.Hairpin("config", "reload");
        var pings = new List<PingResult>
        {
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.VmB, cancel).ConfigureAwait(false),
            await lab.PingViaAsync(DemoScenario.VmA, DemoScenario.VmB, BroadcastMac, "broadcast", cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmB, DemoScenario.VmA, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.HostC, cancel).ConfigureAwait(false),
        };
        Explain(output, "each deny rule's hit counter:");
        lab.Hairpin("acl", "show");
        Explain(output, "each VM's own counters, its drops by reason (acl-denied), as the bridge holds its VSI:");
        lab.Hairpin("vsi", "show");
        lab.Hairpin("stats", "dev", DemoScenario.Uplink);
        return pings;
    }

    /// <summary>How long the move may take, from the destination's port up to vm-a's VSI associated on hv3.</summary>
    private static readonly TimeSpan MoveLimit = TimeSpan.FromSeconds(10);

    /// <summary>host-c's ping across the move: 0.1 s apart, long enough to outlast it (about 1 s) with pings on either side.</summary>
    private const int AcrossCount = 50;

    private static async Task<(IReadOnlyList<PingResult> Pings, MoveResult Move, bool Kept)> MoveAsync(RootDemoLab lab, TextWriter output, CancellationToken cancel)
    {
        NamespaceLab net = lab.Net;
        string from = DemoScenario.Uplink;
        string to = DemoConfigs.DestinationUplink;
        Heading(output, $"step 5: a move: vm-a migrates to the hypervisor behind {to}; its policy and counters go with it");
        Explain(output, $"vm-a's VSI (the same UUID and type 42) is configured on the second hypervisor too, whose port for it is down: that");
        Explain(output, $"station asks nothing yet. The bridge holds vm-a on {from}, with these counters:");
        VsiInfo before = lab.BridgeVsi(DemoScenario.VsiA) ?? throw new InvalidOperationException("the bridge holds no VSI for vm-a before the move");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  => vm-a's VSI on {before.Port}: in-frames {before.Counters.In.Frames}, out-frames {before.Counters.Out.Frames}"));
        Explain(output, "host-c pings vm-a every 0.1 s, across the move:");
        RootDemoLab.RunningPing across = lab.StartPing(DemoScenario.HostC, DemoScenario.VmA, AcrossCount, "0.1", TimeSpan.FromSeconds(20), cancel);
        await Task.Delay(TimeSpan.FromSeconds(1), cancel).ConfigureAwait(false);

        // The order of a live migration (libvirt with lldpad): the destination takes over first (the VM
        // resumes there and its hypervisor associates the VSI), then the source's copy, stopped, goes
        // (its hypervisor de-associates). The bridge makes the destination's Associate the move: it
        // binds vm-a on hv3 and tells hv1's station the VSI left, so the two copies are never both
        // admitted. The demo switches the hypervisors' ends of the VMs' veths, as a hypervisor's tap comes
        // and goes with its VM. The dumb vswitch would see the VM's side too: its afpacket ports follow
        // carrier, so a VM's own `ip link set eth0 down` (vma NO-CARRIER) takes the port down the same way.
        Explain(output, $"the destination hypervisor attaches vm-a's copy (the VM resumes there); its station announces vm-a on {to} (VDP Associate):");
        output.WriteLine($"$ ip -n {net.Destination} link set vma up");
        await NamespaceLab.SetLinkAsync(net.Destination, "vma", up: true, cancel).ConfigureAwait(false);
        TimeSpan took = await lab.WaitForVsiOnAsync(DemoScenario.VsiA, to, MoveLimit, cancel).ConfigureAwait(false);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  => {took.TotalSeconds:0.0} s later the bridge holds vm-a on {to}; it told {from}'s station the VSI left (De-Associate)"));
        Explain(output, "then the source hypervisor lets its stopped copy go:");
        output.WriteLine($"$ ip -n {net.Hypervisor} link set vma down");
        await NamespaceLab.SetLinkAsync(net.Hypervisor, "vma", up: false, cancel).ConfigureAwait(false);
        net.VmAMoved = true;
        PingResult ping = await across.FinishAsync().ConfigureAwait(false);
        string which = across.Unanswered.Count == 0 ? "" : $" (icmp_seq {string.Join(',', across.Unanswered)})";
        output.WriteLine($"  => {ping.Sent - ping.Received} of {ping.Sent} pings lost across the move{which}");

        Explain(output, "the appliance's log says so:");
        string moved = $"moved from port {from} to port {to}";
        string[] logged = [.. lab.ApplianceLog.Split('\n').Select(line => line.TrimEnd()).Where(line => line.Contains(moved, StringComparison.Ordinal))];
        foreach (string line in logged)
        {
            output.WriteLine($"  {line.Trim()}");
        }
        Explain(output, $"the bridge's view: vm-a on {to}, its counters went on from where they were (keyed by its VSIID, not by port):");
        lab.Hairpin("vsi", "show");
        VsiInfo after = lab.BridgeVsi(DemoScenario.VsiA) ?? throw new InvalidOperationException("the bridge holds no VSI for vm-a after the move");
        var move = new MoveResult(after.Port, before.Counters.In.Frames, after.Counters.In.Frames, ping, logged.Length > 0);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  => vm-a's VSI on {after.Port} (was {before.Port}): in-frames {move.InBefore} before the move + {ping.Received} echo replies during it,"
            + $" {move.InAfter} now: {(move.CountersContinued ? "continued" : "restarted")}"));
        Explain(output, "both stations' views: the destination holds vm-a associated in VLAN 10; the source no longer (its port is down):");
        lab.Destination("vsi", "show");
        lab.Vswitch("vsi", "show");
        Explain(output, $"vm-a's policy came with it: type 42's ACL now runs on {to}: vm-a -> vm-b is denied, vm-a -> host-c answers");
        var pings = new List<PingResult>
        {
            ping,
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.VmB, cancel).ConfigureAwait(false),
            await lab.PingAsync(DemoScenario.VmA, DemoScenario.HostC, cancel).ConfigureAwait(false),
        };
        lab.Hairpin("stats", "dev", to);
        Explain(output, $"VLAN {DemoConfigs.Vlan} stays on the aggregation's trunk: vm-a, now on {to}, and vm-b still need it; vm-a -> host-d answers from its new place");
        lab.Aggregation("mvrp", "show", "dev", DemoConfigs.AggregationDownlink);
        bool kept = RootDemoLab.Mvrp(lab.AggregationSocket, DemoConfigs.AggregationDownlink)?.Dynamic.Contains(DemoConfigs.Vlan) == true;
        pings.Add(await lab.PingAsync(DemoScenario.VmA, DemoConfigs.HostD, cancel).ConfigureAwait(false));
        return (pings, move, kept);
    }

    /// <summary>The summary's columns: who pings whom, and through which destination MAC.</summary>
    private static readonly (string From, string To, string? Via)[] Columns =
    [
        (DemoScenario.VmA.Name, DemoScenario.VmB.Name, null),
        (DemoScenario.VmA.Name, DemoScenario.VmB.Name, "broadcast"),
        (DemoScenario.VmB.Name, DemoScenario.VmA.Name, null),
        (DemoScenario.VmA.Name, DemoScenario.HostC.Name, null),
        (DemoScenario.HostC.Name, DemoScenario.VmA.Name, null),
        (DemoScenario.VmA.Name, DemoConfigs.HostD.Name, null),
    ];

    private static void PrintSummary(List<(string Step, IReadOnlyList<PingResult> Pings)> steps, TextWriter output)
    {
        Heading(output, "summary (answered of sent; - not tried)");
        List<string[]> rows = [["step", .. Columns.Select(column => column.Via is null ? $"{column.From} -> {column.To}" : $"{column.From} -> {column.To} via {column.Via}")]];
        foreach ((string step, IReadOnlyList<PingResult> pings) in steps)
        {
            rows.Add([step, .. Columns.Select(column => Find(pings, column) is PingResult ping ? $"{ping.Received}/{ping.Sent}" : "-")]);
        }
        foreach (string line in TextTable.Format(rows, "  ", 1, 2, 3, 4, 5, 6))
        {
            output.WriteLine(line);
        }
    }

    private static PingResult? Find(IReadOnlyList<PingResult> pings, (string From, string To, string? Via) column) =>
        pings.FirstOrDefault(ping => ping.From == column.From && ping.To == column.To && ping.Via == column.Via);

    /// <summary>
    /// True when the lab did what the story says: hairpin negotiated once auto; A->B none, some, none,
    /// none (moved); the broadcast trick reaches B with hairpin on and not under the policy; B->A not
    /// under the policy; A->C always; VLAN 10 reached the aggregation's trunk only once the VMs were
    /// associated, within <see cref="MvrpResult.MaxTook"/>, and stayed across the move, A->D answered
    /// before and after it; the move put A on hv3 with its counters continued, logged, losing at most
    /// <see cref="MoveResult.MaxLost"/> pings. (Both VSIs were associated, or the lab would not have started.)
    /// </summary>
    private static bool Verdict(RootDemoRun run, TextWriter output)
    {
        bool?[] Reached((string, string, string?) column) => [.. run.Steps.Select(step => Find(step.Pings, column)?.Reached)];
        bool asTold = run.Negotiated
            && Reached(Columns[0]) is [false, null, true, false, false]
            && Reached(Columns[1]) is [null, null, true, false, null]
            && Reached(Columns[2]) is [null, null, null, false, null]
            && Reached(Columns[3]) is [true, null, true, true, true]
            && Reached(Columns[5]) is [null, true, null, null, true]
            && run.Mvrp is { AsTold: true }
            && run.Move is { AsTold: true };
        output.WriteLine();
        output.WriteLine(asTold
            ? "as told: the bridge put both announced VMs in VLAN 10 by their VSI types, and MVRP took VLAN 10 up to the aggregation"
                + string.Create(CultureInfo.InvariantCulture, $" {run.Mvrp!.Took!.Value.TotalMilliseconds:0} ms after the first association, for vm-a to reach host-d;")
                + " vm-a reached vm-b only once hairpin was negotiated"
                + " and before the types' policy (by unicast or the broadcast MAC), and host-c throughout;"
                + $" vm-a moved to {DemoConfigs.DestinationUplink} with its policy and counters, {run.Move!.Lost} of {run.Move.Across.Sent} pings lost"
            : "unexpected: the story above did not go as told (see the counters for why)");
        return asTold;
    }

    private static void Heading(TextWriter output, string title)
    {
        output.WriteLine();
        output.WriteLine($"== {title}");
    }

    private static void Explain(TextWriter output, string text) => output.WriteLine($"# {text}");
}
