// The root demo's running lab: the namespaces, the dumb vswitches in hv and hv-dest (the move's
// destination), the appliance in br and the aggregation appliance in agg as child processes, their config files and management sockets in one temp directory. It runs the commands a
// newcomer would type (ping in a namespace, `hairpin ...` over the socket) and prints each before its
// output. Disposal stops the children by PID and removes the namespaces and the directory.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hairpin.Host.Management;

namespace Hairpin.Host.Demo;

/// <summary>One `ping` between two demo hosts, as measured.</summary>
/// <param name="Via">Null for a plain ping; else the destination MAC the sender was made to use instead of the target's own.</param>
internal sealed record PingResult(string From, string To, int Sent, int Received, string? Via = null)
{
    public bool Reached => Received > 0;
}

/// <summary>Not thread-safe: the demo drives it from one flow; only cancellation comes from elsewhere.</summary>
internal sealed partial class RootDemoLab : IAsyncDisposable
{
    public const int PingCount = 3;

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    /// <summary>How long both ends may take to hold every VM's VSI associated (the station first waits for the bridge's EVB TLV).</summary>
    private static readonly TimeSpan AssociationLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PingLimit = TimeSpan.FromSeconds(10);
    /// <summary>How long the two appliances may take to hear each other's MVRP (a join time, 200 ms, once both trunk ends are up).</summary>
    private static readonly TimeSpan MvrpLimit = TimeSpan.FromSeconds(10);

    private readonly TextWriter _output;
    private LabProcess? _vswitch;
    private LabProcess? _destination;
    private LabProcess? _appliance;
    private LabProcess? _aggregation;

    private RootDemoLab(NamespaceLab net, string directory, TextWriter output)
    {
        Net = net;
        Directory = directory;
        _output = output;
    }

    public NamespaceLab Net { get; }
    public string Directory { get; }
    public string BridgeConfigFile => Path.Combine(Directory, "bridge.yaml");
    public string BridgeSocket => Path.Combine(Directory, "bridge.sock");
    public string VswitchConfigFile => Path.Combine(Directory, "dumb-vswitch.yaml");
    public string VswitchSocket => Path.Combine(Directory, "dumb-vswitch.sock");
    public string DestinationConfigFile => Path.Combine(Directory, "dumb-vswitch-dest.yaml");
    public string DestinationSocket => Path.Combine(Directory, "dumb-vswitch-dest.sock");
    public string AggregationConfigFile => Path.Combine(Directory, "aggregation.yaml");
    public string AggregationSocket => Path.Combine(Directory, "aggregation.sock");

    /// <summary>What the appliance logged so far (its stdout and stderr).</summary>
    public string ApplianceLog => _appliance?.Log ?? "";

    /// <summary>What the aggregation appliance logged so far.</summary>
    public string AggregationLog => _aggregation?.Log ?? "";

    /// <summary>Whether the aggregation's trunk had VLAN 10 registered once MVRP ran, before any VM was announced.</summary>
    public bool CarriedBeforeTheVms { get; private set; }

    /// <summary>Builds the namespaces, starts both appliances and both dumb vswitches, and waits until their ports are up and the VMs associated.</summary>
    public static async Task<RootDemoLab> StartAsync(TextWriter output, CancellationToken cancel)
    {
        string vswitch = await LabBinaries.DumbVswitchAsync(output, cancel).ConfigureAwait(false);
        NamespaceLab net = await NamespaceLab.CreateAsync(cancel).ConfigureAwait(false);
        string directory = Path.Combine(Path.GetTempPath(), $"hairpin-demo-{net.Suffix}");
        System.IO.Directory.CreateDirectory(directory);
        var lab = new RootDemoLab(net, directory, output);
        try
        {
            await lab.StartChildrenAsync(vswitch, cancel).ConfigureAwait(false);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartChildrenAsync(string vswitch, CancellationToken cancel)
    {
        string vswitchConfig = DemoConfigs.DumbVswitch(VswitchSocket);
        string destinationConfig = DemoConfigs.DestinationVswitch(DestinationSocket);
        string bridgeConfig = DemoConfigs.Bridge(BridgeSocket, withPolicy: false, withDestination: true, withAggregation: true);
        string aggregationConfig = DemoConfigs.Aggregation(AggregationSocket);
        await File.WriteAllTextAsync(VswitchConfigFile, vswitchConfig, cancel).ConfigureAwait(false);
        await File.WriteAllTextAsync(DestinationConfigFile, destinationConfig, cancel).ConfigureAwait(false);
        await File.WriteAllTextAsync(BridgeConfigFile, bridgeConfig, cancel).ConfigureAwait(false);
        await File.WriteAllTextAsync(AggregationConfigFile, aggregationConfig, cancel).ConfigureAwait(false);
        _output.WriteLine($"{VswitchConfigFile}: each VM has a VSI (type, uuid) and no VLAN: the bridge will assign one");
        Listing(vswitchConfig);
        _output.WriteLine($"{DestinationConfigFile}: the second hypervisor, where vm-a will move: the same VSI, its port down for now");
        Listing(destinationConfig);
        _output.WriteLine($"{BridgeConfigFile}: hv1 and {DemoConfigs.DestinationUplink} speak 802.1Qbg (evb: bridge), hv1 with its hairpin pinned off; the VSI types give VLAN {DemoConfigs.Vlan};"
            + $" {DemoConfigs.AggregationUplink} is an MVRP trunk up to the aggregation");
        Listing(bridgeConfig);
        _output.WriteLine($"{AggregationConfigFile}: the aggregation appliance: its MVRP trunk down to the bridge, and host-d in VLAN {DemoConfigs.Vlan}");
        Listing(aggregationConfig);

        // The bridge first: the station sends its first LLDP as soon as its uplink is up, and the bridge
        // answers a new neighbour at once (LLDP fast transmission); the other way round, both first PDUs
        // could be lost and the next ones come 30 s later.
        _output.WriteLine($"starting the bridge in {Net.Bridge} (ports hv1, hv2, {DemoConfigs.DestinationUplink}, {DemoConfigs.AggregationUplink}), first, so that it hears the stations' first LLDP,"
            + " and the aggregation appliance beside it:");
        _output.WriteLine($"$ ip netns exec {Net.Bridge} dotnet {LabBinaries.Appliance} bridge --config {BridgeConfigFile}");
        _appliance = LabProcess.Start("the bridge", "ip", ["netns", "exec", Net.Bridge, "dotnet", LabBinaries.Appliance, "bridge", "--config", BridgeConfigFile], Directory);
        _output.WriteLine($"$ ip netns exec {Net.Aggregation} dotnet {LabBinaries.Appliance} bridge --config {AggregationConfigFile}");
        _aggregation = LabProcess.Start("the aggregation appliance", "ip",
            ["netns", "exec", Net.Aggregation, "dotnet", LabBinaries.Appliance, "bridge", "--config", AggregationConfigFile], Directory);
        await WaitForPortsAsync(_appliance, BridgeSocket, 4, cancel).ConfigureAwait(false);
        await WaitForPortsAsync(_aggregation, AggregationSocket, 2, cancel).ConfigureAwait(false);
        await BeforeTheVmsAsync(cancel).ConfigureAwait(false);
        _output.WriteLine($"starting the dumb vswitch in {Net.Hypervisor} (uplink + afpacket ports vma, vmb):");
        _output.WriteLine($"$ ip netns exec {Net.Hypervisor} dotnet {vswitch} --config {VswitchConfigFile}");
        _vswitch = LabProcess.Start("the dumb vswitch", "ip", ["netns", "exec", Net.Hypervisor, "dotnet", vswitch, "--config", VswitchConfigFile]);
        _output.WriteLine($"starting the destination's dumb vswitch in {Net.Destination} (uplink up, afpacket port vma down: no VM there yet):");
        _output.WriteLine($"$ ip netns exec {Net.Destination} dotnet {vswitch} --config {DestinationConfigFile}");
        _destination = LabProcess.Start("the destination's dumb vswitch", "ip", ["netns", "exec", Net.Destination, "dotnet", vswitch, "--config", DestinationConfigFile]);
        await WaitForPortsAsync(_vswitch, VswitchSocket, 3, cancel).ConfigureAwait(false);
        await WaitForPortsAsync(_destination, DestinationSocket, 1, cancel).ConfigureAwait(false);
        _output.WriteLine($"all four up; the hairpin commands below reach the bridge through its socket: export HAIRPIN_SOCKET={BridgeSocket}");
        await WaitForAssociationsAsync(DemoScenario.Vsis.Count, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Before any VM is announced: waits (bounded) until MVRP runs between the two appliances, i.e. the
    /// bridge's agg registered VLAN 10, which the aggregation declares for host-d (declare_static), and
    /// shows that the aggregation's trunk registered nothing from the bridge: no VSI needs a VLAN yet.
    /// </summary>
    private async Task BeforeTheVmsAsync(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (Mvrp(BridgeSocket, DemoConfigs.AggregationUplink) is not { } agg || !agg.Registered.Contains(DemoConfigs.Vlan))
        {
            if (clock.Elapsed > MvrpLimit)
            {
                throw new TimeoutException($"the bridge's {DemoConfigs.AggregationUplink} did not register VLAN {DemoConfigs.Vlan} from the aggregation within {MvrpLimit.TotalSeconds:0} s:\n"
                    + $"{Call(BridgeSocket, "mvrp", "show").Output}{Call(AggregationSocket, "mvrp", "show").Output}\n{_appliance!.Log}\n{_aggregation!.Log}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancel).ConfigureAwait(false);
        }
        CarriedBeforeTheVms = Mvrp(AggregationSocket, DemoConfigs.AggregationDownlink)?.Registered.Contains(DemoConfigs.Vlan) != false;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MVRP runs between the appliances ({clock.Elapsed.TotalSeconds:0.0} s): the bridge's {DemoConfigs.AggregationUplink} registered VLAN {DemoConfigs.Vlan}, which the aggregation"
            + $" declares for host-d; no VM announced yet, so the bridge declares nothing up the trunk and the aggregation's {DemoConfigs.AggregationDownlink} registers no VLAN:"));
        Aggregation("mvrp", "show", "dev", DemoConfigs.AggregationDownlink);
    }

    /// <summary>Polls the aggregation's `mvrp show` until its trunk carries VLAN 10 added by MVRP (dynamic) and its log says so; bounded. False when it did not.</summary>
    public async Task<bool> WaitForAggregationVlanAsync(TimeSpan limit, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        // Its log line too: the console logger writes from a queue of its own, so it may come after the CLI's answer.
        string logged = $"port {DemoConfigs.AggregationDownlink}: MVRP registered VLAN {DemoConfigs.Vlan}";
        while (Mvrp(AggregationSocket, DemoConfigs.AggregationDownlink)?.Dynamic.Contains(DemoConfigs.Vlan) != true
            || !AggregationLog.Contains(logged, StringComparison.Ordinal))
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancel).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>One port's `mvrp show` over <paramref name="socket"/>, or null when it cannot say.</summary>
    public static MvrpPortInfo? Mvrp(string socket, string port) =>
        Json<List<MvrpPortInfo>>(socket, "mvrp", "show", "dev", port) is [MvrpPortInfo info] ? info : null;

    /// <summary>Prints a file's text indented under a bar, as it was written.</summary>
    public void Listing(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string line in text.TrimEnd().Split('\n'))
        {
            _output.WriteLine($"  | {line}".TrimEnd());
        }
    }

    /// <summary>
    /// Polls `vsi show` at both ends until each holds <paramref name="count"/> VSIs associated, and `lldp
    /// neighbors` until the station says it heard reflective relay granted; bounded. The station announces
    /// only after hearing the bridge's EVB TLV, and reports the grant in its next LLDP PDU (about 1 s later).
    /// </summary>
    private async Task WaitForAssociationsAsync(int count, CancellationToken cancel)
    {
        _output.WriteLine($"waiting (at most {AssociationLimit.TotalSeconds:0} s) for the dumb vswitch to announce its VMs, the bridge to associate them (VDP) and the EVB negotiation to settle (LLDP)");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (LabProcess child in new[] { _vswitch!, _destination!, _appliance!, _aggregation! })
            {
                if (child.HasExited)
                {
                    throw new InvalidOperationException($"{child.Name} exited while its VSIs were being associated:\n{child.Log}");
                }
            }
            if (Associated(BridgeSocket) >= count && Associated(VswitchSocket) >= count && RelayHeard())
            {
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"after {clock.Elapsed.TotalSeconds:0.0} s both ends hold {count} VSIs associated, and both stations report reflective relay granted"));
                return;
            }
            if (clock.Elapsed > AssociationLimit)
            {
                throw new TimeoutException($"the VSIs were not associated within {AssociationLimit.TotalSeconds:0} s:\n"
                    + $"{Call(BridgeSocket, "vsi", "show").Output}{Call(VswitchSocket, "vsi", "show").Output}\n{_appliance!.Log}\n{_vswitch!.Log}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Each station's last LLDP PDU, as the bridge heard it on hv1 and hv3, says it knows reflective relay
    /// was granted (rrstat=enabled): both have heard the bridge, so the destination's station can announce
    /// vm-a the moment its port comes up.
    /// </summary>
    private bool RelayHeard() =>
        Json<List<LldpNeighborInfo>>(BridgeSocket, "lldp", "neighbors") is { } neighbors
        && new[] { DemoScenario.Uplink, DemoConfigs.DestinationUplink }.All(port => neighbors.Any(neighbor =>
            neighbor.Port == port && neighbor.Evb?.Station.Contains("rrstat=enabled", StringComparison.Ordinal) == true));

    /// <summary>How many VSIs `vsi show` over <paramref name="socket"/> lists as associated (0 when it cannot say).</summary>
    private static int Associated(string socket) =>
        Json<List<VsiInfo>>(socket, "vsi", "show") is { } vsis ? vsis.Count(vsi => vsi.State == "associated") : 0;

    /// <summary>`hairpin --json ARGS...` over <paramref name="socket"/>, read back as the protocol's DTOs; null on failure.</summary>
    public static T? Json<T>(string socket, params string[] args)
        where T : class
    {
        (int exit, string text) = Call(socket, ["--json", .. args]);
        if (exit != 0)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(text, ManagementJson.Answers);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Polls `link show` over the child's socket until <paramref name="ports"/> ports are up; bounded.</summary>
    private static async Task WaitForPortsAsync(LabProcess child, string socket, int ports, CancellationToken cancel)
    {
        DateTime deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            if (child.HasExited)
            {
                throw new InvalidOperationException($"{child.Name} exited while starting:\n{child.Log}");
            }
            if (File.Exists(socket) && Call(socket, "link", "show") is (0, string links) && UpPort().Count(links) >= ports)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{child.Name} did not bring its {ports} ports up within {StartLimit.TotalSeconds:0} s:\n{child.Log}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>`ping -c 3 -i 0.2 -W 1` from one host's namespace to another's address; prints the command and ping's summary.</summary>
    public Task<PingResult> PingAsync(DemoHost from, DemoHost to, CancellationToken cancel) => PingAsync(from, to, via: null, cancel);

    private Task<PingResult> PingAsync(DemoHost from, DemoHost to, string? via, CancellationToken cancel) =>
        StartPing(from, to, PingCount, "0.2", PingLimit, cancel).FinishAsync(via);

    /// <summary>
    /// Starts `ping -c COUNT -i INTERVAL -W 1` from one host's namespace and prints the command; the
    /// caller goes on (a ping running across a move) and prints the result with <see cref="RunningPing.FinishAsync"/>.
    /// </summary>
    public RunningPing StartPing(DemoHost from, DemoHost to, int count, string interval, TimeSpan limit, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        string ns = Net.NamespaceOf(from);
        string[] ping = ["ping", "-n", "-c", count.ToString(CultureInfo.InvariantCulture), "-i", interval, "-W", "1", to.IpText];
        _output.WriteLine($"$ ip netns exec {ns} {string.Join(' ', ping)}      # {from.Name} -> {to.Name}");
        return new RunningPing(this, from, to, NamespaceLab.InAsync(ns, ping, limit, cancel));
    }

    /// <summary>A ping started by <see cref="StartPing"/>: its result is read, and printed, once it is awaited.</summary>
    public sealed class RunningPing
    {
        private readonly RootDemoLab _lab;
        private readonly DemoHost _from;
        private readonly DemoHost _to;
        private readonly Task<LabProcess.Result> _run;

        internal RunningPing(RootDemoLab lab, DemoHost from, DemoHost to, Task<LabProcess.Result> run)
        {
            _lab = lab;
            _from = from;
            _to = to;
            _run = run;
        }

        /// <summary>The icmp_seq numbers that went unanswered, once finished (ping numbers them from 1).</summary>
        public IReadOnlyList<int> Unanswered { get; private set; } = [];

        /// <summary>Waits for ping to end, prints its summary and the verdict line; <paramref name="via"/> as in <see cref="PingResult"/>.</summary>
        public async Task<PingResult> FinishAsync(string? via = null)
        {
            LabProcess.Result result = await _run.ConfigureAwait(false);
            Match summary = PingSummary().Match(result.Output);
            if (!summary.Success)
            {
                throw new InvalidOperationException($"ping printed no summary (exit {result.ExitCode}): {result.Output}{result.Error}");
            }
            _lab._output.WriteLine($"  {summary.Value.Trim()}");
            var measured = new PingResult(_from.Name, _to.Name,
                int.Parse(summary.Groups["sent"].Value, CultureInfo.InvariantCulture),
                int.Parse(summary.Groups["received"].Value, CultureInfo.InvariantCulture), via);
            var answered = PingReply().Matches(result.Output).Select(reply => int.Parse(reply.Groups["seq"].Value, CultureInfo.InvariantCulture)).ToHashSet();
            Unanswered = [.. Enumerable.Range(1, measured.Sent).Where(seq => !answered.Contains(seq))];
            string path = via is null ? "" : $" via {via}";
            _lab._output.WriteLine($"  => {measured.From} -> {measured.To}{path}: {measured.Received} of {measured.Sent} answered ({(measured.Reached ? "reachable" : "unreachable")})");
            return measured;
        }
    }

    /// <summary>
    /// A ping whose frames go to <paramref name="frameDestination"/> (broadcast, multicast) instead of
    /// <paramref name="to"/>'s MAC: the target's IP stack still answers, which is how a VM slips past a
    /// rule written on MAC addresses. The sender's neighbour entry is put back afterwards.
    /// </summary>
    public async Task<PingResult> PingViaAsync(DemoHost from, DemoHost to, string frameDestination, string via, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        _output.WriteLine($"$ ip -n {Net.NamespaceOf(from)} neigh replace {to.IpText} lladdr {frameDestination} dev eth0 nud permanent   # {from.Name} sends {to.Name}'s packets to the {via} MAC");
        await Net.SetNeighbourAsync(from, to, frameDestination, cancel).ConfigureAwait(false);
        try
        {
            return await PingAsync(from, to, via, cancel).ConfigureAwait(false);
        }
        finally
        {
            await Net.SetNeighbourAsync(from, to, to.Mac.ToString(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>`hairpin ARGS...` against the bridge, printed as typed and its output indented under it.</summary>
    public int Hairpin(params string[] args) => Show(BridgeSocket, $"hairpin {string.Join(' ', args)}", args);

    /// <summary>`hairpin --socket VSWITCH ARGS...`: the same CLI against the dumb vswitch.</summary>
    public int Vswitch(params string[] args) => Show(VswitchSocket, $"hairpin --socket {VswitchSocket} {string.Join(' ', args)}", args);

    /// <summary>`hairpin --socket DESTINATION ARGS...`: the same CLI against the move's destination dumb vswitch.</summary>
    public int Destination(params string[] args) => Show(DestinationSocket, $"hairpin --socket {DestinationSocket} {string.Join(' ', args)}", args);

    /// <summary>`hairpin --socket AGGREGATION ARGS...`: the same CLI against the aggregation appliance.</summary>
    public int Aggregation(params string[] args) => Show(AggregationSocket, $"hairpin --socket {AggregationSocket} {string.Join(' ', args)}", args);

    /// <summary>The bridge's record of one VSI (`vsi show`), or null when it holds none or cannot say.</summary>
    public VsiInfo? BridgeVsi(DemoVsi vsi)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        return Json<List<VsiInfo>>(BridgeSocket, "vsi", "show")?.FirstOrDefault(info => string.Equals(info.VsiId, vsi.Uuid, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Polls the bridge's `vsi show` until <paramref name="vsi"/> is associated on <paramref name="port"/>; bounded. Returns how long it took.</summary>
    public async Task<TimeSpan> WaitForVsiOnAsync(DemoVsi vsi, string port, TimeSpan limit, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (BridgeVsi(vsi) is not { State: "associated" } info || info.Port != port)
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"VSI {vsi.Uuid} was not associated on {port} within {limit.TotalSeconds:0} s:\n"
                    + $"{Call(BridgeSocket, "vsi", "show").Output}{Call(DestinationSocket, "vsi", "show").Output}\n{_appliance!.Log}\n{_destination!.Log}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancel).ConfigureAwait(false);
        }
        return clock.Elapsed;
    }

    private int Show(string socket, string typed, string[] args)
    {
        _output.WriteLine($"$ {typed}");
        (int exit, string text) = Call(socket, args);
        foreach (string line in Shown(text))
        {
            _output.WriteLine(line.Length == 0 ? "" : $"  {line}");
        }
        if (exit != 0)
        {
            _output.WriteLine($"  (exit {exit})");
        }
        return exit;
    }

    private static string[] Shown(string text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.TrimEnd().Split('\n');

    /// <summary>Rewrites the bridge's config file (shown as a diff-like listing of what was added).</summary>
    public Task WriteBridgeConfigAsync(string yaml, CancellationToken cancel) => File.WriteAllTextAsync(BridgeConfigFile, yaml, cancel);

    private static (int Exit, string Output) Call(string socket, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        int exit = Cli.Run(["--socket", socket, .. args], output, output);
        return (exit, output.ToString());
    }

    /// <summary>Stops the children (SIGTERM, then SIGKILL), deletes the namespaces and the directory; prints each step.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (LabProcess? child in new[] { _appliance, _aggregation, _vswitch, _destination })
        {
            if (child is not null)
            {
                _output.WriteLine($"stopping {child.Name} (pid {child.Id})");
                await child.DisposeAsync().ConfigureAwait(false);
            }
        }
        _appliance = _aggregation = _vswitch = _destination = null;
        string namespaces = string.Join(' ', Net.Namespaces);
        await Net.DisposeAsync().ConfigureAwait(false);
        _output.WriteLine($"deleted namespaces {namespaces}");
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            _output.WriteLine($"deleted {Directory}");
        }
    }

    [GeneratedRegex(@"^\s*(?<sent>\d+) packets transmitted, (?<received>\d+) received.*$", RegexOptions.Multiline)]
    private static partial Regex PingSummary();

    [GeneratedRegex(@"^\d+ bytes from \S+ icmp_seq=(?<seq>\d+) ", RegexOptions.Multiline)]
    private static partial Regex PingReply();

    [GeneratedRegex(@"\bup\b")]
    private static partial Regex UpPort();
}
