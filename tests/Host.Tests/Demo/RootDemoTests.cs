// `hairpin demo` as root, end to end: the namespace lab with the real dumb vswitch and appliance,
// judged only by what it prints (both ends' VSI tables, the EVB neighbour, link show's hairpin, the
// pings' answers, the ACL and VSI counters) and by what it leaves behind (no namespace with its
// suffix). Root only, as CI runs; serial with the other namespace tests.
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
    public async Task VmsAreAssociatedByVdpAndReachEachOtherOnlyOnceHairpinIsNegotiatedAndBeforeTheirTypesPolicyAndTheLabIsRemoved()
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
        Assert.EndsWith("\nas told: the bridge put both announced VMs in VLAN 10 by their VSI types; vm-a reached vm-b only once hairpin was negotiated"
            + " and before the types' policy (by unicast or the broadcast MAC), and host-c throughout\n", output, StringComparison.Ordinal);
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

        // Step 2: nothing but `hairpin auto` typed, and the negotiation turns hairpin on.
        string auto = Section(output, "== step 2:", "== step 3:");
        Assert.Contains("$ hairpin link set dev hv1 hairpin auto", auto, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  hv1\s+forwarding\s+up\s+on \(negotiated\)\s", auto);
        Assert.Single(Regex.Matches(output, @"\$ hairpin link set "));

        int[] aToB = Answered(output, "vm-a", "vm-b", via: "");
        Assert.True(aToB is [0, > 0, 0], $"vm-a -> vm-b answered {string.Join(", ", aToB)} (expected none, some, none):\n{output}");
        // The broadcast-MAC trick that beat a MAC-pair rule: it works with hairpin on, and the types' policy stops it.
        int[] aToBViaBroadcast = Answered(output, "vm-a", "vm-b", via: " via broadcast");
        Assert.True(aToBViaBroadcast is [> 0, 0], $"vm-a -> vm-b via broadcast answered {string.Join(", ", aToBViaBroadcast)} (expected some, none):\n{output}");
        int[] bToA = Answered(output, "vm-b", "vm-a", via: "");
        Assert.True(bToA is [0], $"vm-b -> vm-a answered {string.Join(", ", bToA)} under the policy:\n{output}");
        int[] aToC = Answered(output, "vm-a", "host-c", via: "");
        Assert.True(aToC.Length == 3 && aToC.All(answered => answered > 0), $"vm-a -> host-c answered {string.Join(", ", aToC)}:\n{output}");

        // Step 3: the types' ACLs, reloaded, hit; each VM's own counters show its acl-denied drops.
        string policy = Section(output, "== step 3:", "== step 4:");
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

    private static int[] Answered(string output, string from, string to, string via) =>
        [.. PingLine().Matches(output)
            .Where(match => match.Groups["from"].Value == from && match.Groups["to"].Value == to && match.Groups["via"].Value == via)
            .Select(match => int.Parse(match.Groups["received"].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"^  => (?<from>\S+) -> (?<to>\S+)(?<via>( via \S+)?): (?<received>\d+) of (?<sent>\d+) answered", RegexOptions.Multiline)]
    private static partial Regex PingLine();

    [GeneratedRegex(@"every namespace ends in -(?<suffix>[0-9a-f]+)")]
    private static partial Regex SuffixLine();
}
