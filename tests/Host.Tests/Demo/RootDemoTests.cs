// `hairpin demo` as root, end to end: the namespace lab with the real dumb vswitch and appliance,
// judged only by what it prints (the pings' answers, the ACL counter) and by what it leaves behind
// (no namespace with its suffix). Root only, as CI runs; serial with the other namespace tests.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.RealPeers;

namespace Hairpin.Host.Tests.Demo;

[Collection(RealPeerTestGroup.Name)]
public sealed partial class RootDemoTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task VmAReachesVmBOnlyWithHairpinOnAndBeforeTheIsolationPolicyEvenByBroadcastReachesHostCThroughoutAndLeavesNoNamespace()
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

        int[] aToB = Answered(output, "vm-a", "vm-b", via: "");
        Assert.True(aToB is [0, > 0, 0], $"vm-a -> vm-b answered {string.Join(", ", aToB)} (expected none, some, none):\n{output}");
        // The broadcast-MAC trick that beat a MAC-pair rule: it works with hairpin on, and the policy stops it.
        int[] aToBViaBroadcast = Answered(output, "vm-a", "vm-b", via: " via broadcast");
        Assert.True(aToBViaBroadcast is [> 0, 0], $"vm-a -> vm-b via broadcast answered {string.Join(", ", aToBViaBroadcast)} (expected some, none):\n{output}");
        int[] bToA = Answered(output, "vm-b", "vm-a", via: "");
        Assert.True(bToA is [0], $"vm-b -> vm-a answered {string.Join(", ", bToA)} under the policy:\n{output}");
        int[] aToC = Answered(output, "vm-a", "host-c", via: "");
        Assert.True(aToC.Length == 3 && aToC.All(answered => answered > 0), $"vm-a -> host-c answered {string.Join(", ", aToC)}:\n{output}");

        foreach (string ruleName in new[] { "not-to-vm-b", "not-to-vm-a" })
        {
            Match rule = Regex.Match(output, $@"^\s+{ruleName}\s+deny\s+(?<frames>\d+)", RegexOptions.Multiline);
            Assert.True(rule.Success, $"no hit line for the deny rule {ruleName}:\n{output}");
            Assert.True(long.Parse(rule.Groups["frames"].Value, CultureInfo.InvariantCulture) > 0, rule.Value);
        }
        Assert.Matches(@"hv1\s+ingress\s+acl-denied\s+[1-9]", output);
        Assert.Matches(@"hv1\s+ingress\s+reflective-relay-off\s+[1-9]", output);
        Assert.Contains("$ hairpin link set dev hv1 hairpin on", output, StringComparison.Ordinal);
        Assert.Contains("$ hairpin config reload", output, StringComparison.Ordinal);

        string suffix = SuffixLine().Match(output).Groups["suffix"].Value;
        Assert.Matches("^[0-9a-f]{6}$", suffix);
        ProcessRunner.Result namespaces = await ProcessRunner.RunAsync("ip", ["netns", "list"]);
        Assert.DoesNotContain($"-{suffix}", namespaces.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), $"hairpin-demo-{suffix}")));
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
