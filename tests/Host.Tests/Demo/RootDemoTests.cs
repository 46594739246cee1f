// `hairpin demo` as root, end to end: the namespace lab with the real dumb vswitches and appliance,
// judged only by what it prints (both ends' VSI tables, the EVB neighbour, link show's hairpin, the
// pings' answers, the ACL and VSI counters, the aggregation's MVRP registration and the time it took,
// the move's ping, counters and log line) and by what it
// leaves behind (no namespace with its suffix). Root only, as CI runs; serial with the other namespace tests.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Hairpin.Host.Demo;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.RealPeers;

namespace Hairpin.Host.Tests.Demo;

[Collection(RealPeerTestGroup.Name)]
public sealed partial class RootDemoTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task VmsAreAssociatedByVdpTheirVlanGoesUpToAggregationByMvrpTheyReachEachOtherOnlyOnceHairpinIsNegotiatedAndBeforeTheirTypesPolicyThenAVmMovesWithItsPolicyAndCountersAndTheLabIsRemoved()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the root demo needs root (CI runs as root)");
        var clock = Stopwatch.StartNew();

        (int exit, string output, string error) = await Task.Run(() =>
        {
            using var stdout = new StringWriter { NewLine = "\n" };
            using var stderr = new StringWriter { NewLine = "\n" };
            int code = Cli.Run(["demo"], stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }).WaitAsync(Limit + TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"exit {exit}: {error}\n{output}");
        Assert.True(clock.Elapsed < Limit, $"the demo took {clock.Elapsed.TotalSeconds:0} s");
        Assert.StartsWith("hairpin demo: a real lab in network namespaces", output, StringComparison.Ordinal);
        Assert.Matches(@"\nas told: the bridge put both announced VMs in VLAN 10 by their VSI types, and MVRP took VLAN 10 up to the aggregation"
            + @" \d+ ms after the first association, for vm-a to reach host-d; vm-a reached vm-b only once hairpin was negotiated"
            + @" and before the types' policy \(by unicast or the broadcast MAC\), and host-c throughout; vm-a moved to hv3 with its policy and counters,"
            + @" \d+ of \d+ pings lost\n\z", output);
        Assert.DoesNotMatch(@"(?m)^  \|\s+vlan:", Section(output, "dumb-vswitch.yaml: ", "bridge.yaml: "));   // no VLAN typed in for the VMs

        // Step 1: each VM announced by the dumb vswitch (VID 0) and associated by the bridge in its type's VLAN 10, at both ends.
        string announced = Section(output, "== step 1:", "== step 2:");
        foreach ((DemoVsi vsi, string type) in new[] { (DemoScenario.VsiA, "42/1"), (DemoScenario.VsiB, "43/1") })
        {
            Assert.Matches($@"(?m)^  {vsi.Uuid}\s+uuid\s+{type}\s+demo\s+{vsi.Vm.Mac}@10\s+hv1\s+associated\s", announced);
            Assert.Matches($@"(?m)^  {vsi.Uuid}\s+uuid\s+{type}\s+demo\s+{vsi.Vm.Mac}@10\s+{vsi.Vm.Name}\s+associated\s", announced);
        }
        Assert.Matches(@"(?m)^  hv1\s.*\sbridge:rrcap,rrctr\s+station:rrreq,rrstat=enabled\s", announced);
        Assert.Matches(@"(?m)^  hv1\s+forwarding\s+up\s+off \(pinned, station asks on\)\s", announced);
        Assert.Matches(@"hv1\s+ingress\s+reflective-relay-off\s+[1-9]", announced);

        // Before any VM: MVRP runs between the appliances, but the aggregation's trunk registers no VLAN from the bridge.
        string before = Section(output, "MVRP runs between the appliances", "starting the dumb vswitch");
        Assert.Matches(@"(?m)^  acc: registrar normal", before);
        Assert.Matches(@"(?m)^    declared\s+10$", before);
        Assert.Matches(@"(?m)^    registered\s+-$", before);

        // Step 2: the first association brings VLAN 10 to the aggregation's trunk by MVRP within a second, and vm-a reaches host-d.
        string mvrp = Section(output, "== step 2:", "== step 3:");
        Match took = Regex.Match(mvrp, @"=> (?<ms>-?\d+) ms from the bridge's first association to VLAN 10 registered at the aggregation");
        Assert.True(took.Success, $"no registration time:\n{mvrp}");
        Assert.InRange(Number(took, "ms"), 0, (int)MvrpResult.MaxTook.TotalMilliseconds);
        Assert.Matches(@"(?m)^  \S+ .*port hv1: VSI \S+ associated \(", mvrp);
        Assert.Matches(@"(?m)^  \S+ .*port acc: MVRP registered VLAN 10: a neighbour declares it, the port carries it", mvrp);
        Assert.Matches(@"(?m)^    registered\s+10 \(dynamic 10\)$", mvrp[..mvrp.IndexOf("$ hairpin mvrp show dev agg", StringComparison.Ordinal)]);
        Assert.Matches(@"(?m)^    declared\s+10$", mvrp[mvrp.IndexOf("$ hairpin mvrp show dev agg", StringComparison.Ordinal)..]);
        int[] aToD = Answered(output, "vm-a", "host-d", via: "");
        Assert.True(aToD is [> 0, > 0], $"vm-a -> host-d answered {string.Join(", ", aToD)} (expected some after the association and some after the move):\n{output}");

        // Step 3: nothing but `hairpin auto` typed, and the negotiation turns hairpin on.
        string auto = Section(output, "== step 3:", "== step 4:");
        Assert.Contains("$ hairpin link set dev hv1 hairpin auto", auto, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  hv1\s+forwarding\s+up\s+on \(negotiated\)\s", auto);
        Assert.Single(Regex.Matches(output, @"\$ hairpin link set "));

        int[] aToB = Answered(output, "vm-a", "vm-b", via: "");
        Assert.True(aToB is [0, > 0, 0, 0], $"vm-a -> vm-b answered {string.Join(", ", aToB)} (expected none, some, none, none once moved):\n{output}");
        // The broadcast-MAC trick that beat a MAC-pair rule: it works with hairpin on, and the types' policy stops it.
        int[] aToBViaBroadcast = Answered(output, "vm-a", "vm-b", via: " via broadcast");
        Assert.True(aToBViaBroadcast is [> 0, 0], $"vm-a -> vm-b via broadcast answered {string.Join(", ", aToBViaBroadcast)} (expected some, none):\n{output}");
        int[] bToA = Answered(output, "vm-b", "vm-a", via: "");
        Assert.True(bToA is [0], $"vm-b -> vm-a answered {string.Join(", ", bToA)} under the policy:\n{output}");
        int[] aToC = Answered(output, "vm-a", "host-c", via: "");
        Assert.True(aToC.Length == 4 && aToC.All(answered => answered > 0), $"vm-a -> host-c answered {string.Join(", ", aToC)}:\n{output}");

        // Step 4: the types' ACLs, reloaded, hit; each VM's own counters show its acl-denied drops.
        string policy = Section(output, "== step 4:", "== step 5:");
        long inFramesAtPolicy = InFramesOf(DemoScenario.VsiA, "hv1", policy);
        Assert.Contains("$ hairpin config reload", policy, StringComparison.Ordinal);
        foreach (string ruleName in new[] { "not-to-vm-b", "not-to-vm-a" })
        {
            Match rule = Regex.Match(policy, $@"^\s+{ruleName}\s+deny\s+(?<frames>\d+)", RegexOptions.Multiline);
            Assert.True(rule.Success, $"no hit line for the deny rule {ruleName}:\n{output}");
            Assert.True(long.Parse(rule.Groups["frames"].Value, CultureInfo.InvariantCulture) > 0, rule.Value);
        }
        foreach (DemoVsi vsi in DemoScenario.Vsis)
        {
            Assert.Matches($@"(?m)^  {vsi.Uuid}\s.*\sassociated\s.*acl-denied=[1-9]", policy);
        }
        Assert.Matches(@"hv1\s+ingress\s+acl-denied\s+[1-9]", policy);

        // Step 5: vm-a moves to the hypervisor behind hv3: the destination takes over, then the source goes.
        string move = Section(output, "== step 5:", "== step 6:");
        Assert.True(move.IndexOf("link set vma up", StringComparison.Ordinal) < move.IndexOf("link set vma down", StringComparison.Ordinal),
            $"the destination's port must come up before the source's goes down:\n{move}");
        string vmA = DemoScenario.VsiA.Uuid;
        Assert.Matches($@"VSI {vmA} moved from port hv1 to port hv3", move);
        // The bridge holds vm-a on hv3 only, in its type's VLAN; the destination's station holds it associated, the source's no longer.
        Assert.Matches($@"(?m)^  {vmA}\s+uuid\s+42/1\s+demo\s+52:54:00:00:00:0a@10\s+hv3\s+associated\s", move);
        Assert.DoesNotMatch($@"(?m)^  {vmA}\s.*\shv1\s", move[move.IndexOf("$ hairpin vsi show", StringComparison.Ordinal)..]);
        Assert.Matches($@"(?m)^  {vmA}\s+uuid\s+42/1\s+demo\s+52:54:00:00:00:0a@10\s+vm-a\s+associated\s", move);
        Assert.Matches($@"(?m)^  {vmA}\s+uuid\s+42/1\s+demo\s+52:54:00:00:00:0a@0\s+vm-a\s+inactive\s", move);
        // The ping across the move: its loss printed, matching ping's own summary, and bounded.
        int[] cToA = Answered(output, "host-c", "vm-a", via: "");
        Match across = Regex.Match(move, @"(?m)^  (?<sent>\d+) packets transmitted, (?<received>\d+) received");
        Match loss = Regex.Match(move, @"=> (?<lost>\d+) of (?<sent>\d+) pings lost across the move");
        Assert.True(across.Success && loss.Success && cToA.Length == 1, $"no ping across the move:\n{move}");
        int sent = Number(across, "sent");
        int lost = Number(loss, "lost");
        Assert.Equal(sent - Number(across, "received"), lost);
        Assert.Equal(sent, Number(loss, "sent"));
        Assert.True(lost <= MoveResult.MaxLost, $"{lost} of {sent} pings lost across the move:\n{move}");
        // Counters keyed by VSIID go on: after the move they hold what hv1 counted plus every echo reply of the ping across.
        Match counters = Regex.Match(move,
            @"=> vm-a's VSI on hv3 \(was hv1\): in-frames (?<before>\d+) before the move \+ (?<replies>\d+) echo replies during it, (?<now>\d+) now: continued");
        Assert.True(counters.Success, $"no counters line after the move:\n{move}");
        Assert.Equal(sent - lost, Number(counters, "replies"));
        Assert.True(Number(counters, "before") >= inFramesAtPolicy && inFramesAtPolicy > 0, counters.Value);
        long inFramesAfter = InFramesOf(DemoScenario.VsiA, "hv3", move);
        Assert.Equal(Number(counters, "now"), inFramesAfter);
        Assert.True(inFramesAfter >= Number(counters, "before") + Number(counters, "replies"), counters.Value);
        // The policy came with it: type 42's ACL denies vm-b on hv3 (checked by aToB's last 0 above), counted there.
        Assert.Matches(@"hv3\s+ingress\s+acl-denied\s+[1-9]", move);
        // VLAN 10 stays on the aggregation's trunk: vm-a (now on hv3) and vm-b still need it.
        Assert.Matches(@"(?m)^    registered\s+10 \(dynamic 10\)$", move);

        string suffix = SuffixLine().Match(output).Groups["suffix"].Value;
        Assert.Matches("^[0-9a-f]{6}$", suffix);
        ProcessRunner.Result namespaces = await ProcessRunner.RunAsync("ip", ["netns", "list"]);
        Assert.DoesNotContain($"-{suffix}", namespaces.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), $"hairpin-demo-{suffix}")));
    }

    /// <summary>The output from the line containing <paramref name="from"/> up to the next containing <paramref name="to"/>.</summary>
    private static string Section(string output, string from, string to)
    {
        int start = output.IndexOf(from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no '{from}' in:\n{output}");
        int end = output.IndexOf(to, start, StringComparison.Ordinal);
        Assert.True(end > start, $"no '{to}' after '{from}' in:\n{output}");
        return output[start..end];
    }

    [Fact]
    public void InProcessPrintsTheEngineStoryEvenAsRoot()
    {
        using var expected = new StringWriter { NewLine = "\n" };
        Hairpin.Host.Demo.DemoScenario.Run(expected);
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };

        int exit = Cli.Run(["demo", "--in-process"], stdout, stderr);

        Assert.Equal(0, exit);
        string prefix = Environment.IsPrivilegedProcess ? "" : "not root: running in-process endpoints instead of network namespaces\n";
        Assert.Equal(prefix + expected, stdout.ToString());
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public void AnUnknownDemoOptionIsAUsageError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        Assert.Equal(2, Cli.Run(["demo", "--in-process", "--fast"], stdout, stderr));
        Assert.Equal("", stdout.ToString());
        Assert.Contains("--fast", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>IN-FRAMES of the VSI's row on <paramref name="port"/> in the last `hairpin vsi show` of <paramref name="section"/>.</summary>
    private static long InFramesOf(DemoVsi vsi, string port, string section)
    {
        MatchCollection rows = Regex.Matches(section,
            $@"(?m)^  {vsi.Uuid}\s+uuid\s+\S+\s+\S+\s+\S+\s+{port}\s+associated\s+\S+\s+\S+ ago\s+(?<in>\d+)\s");
        Assert.True(rows.Count > 0, $"no vsi show row for {vsi.Vm.Name} on {port}:\n{section}");
        return long.Parse(rows[^1].Groups["in"].Value, CultureInfo.InvariantCulture);
    }

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static int[] Answered(string output, string from, string to, string via) =>
        [.. PingLine().Matches(output)
            .Where(match => match.Groups["from"].Value == from && match.Groups["to"].Value == to && match.Groups["via"].Value == via)
            .Select(match => int.Parse(match.Groups["received"].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"^  => (?<from>\S+) -> (?<to>\S+)(?<via>( via \S+)?): (?<received>\d+) of (?<sent>\d+) answered", RegexOptions.Multiline)]
    private static partial Regex PingLine();

    [GeneratedRegex(@"every namespace ends in -(?<suffix>[0-9a-f]+)")]
    private static partial Regex SuffixLine();
}
