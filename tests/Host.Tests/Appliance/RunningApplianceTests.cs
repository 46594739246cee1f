// `hairpin bridge` as a real child process in a fresh namespace, handled as an operator handles it:
// its file edited under it, a real SIGHUP by PID, `config reload` and `link set --save` through the
// CLI. A broken file never takes it down or half-applies a change, and the error always says where the
// file is wrong. Also: what it warns about at start, and that the example file starts on a machine
// that has none of its interfaces or groups.
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.RealPeers;

namespace Hairpin.Host.Tests.Appliance;

[Collection(RealPeerTestGroup.Name)]
public sealed class RunningApplianceTests
{
    private const string BrokenYaml = "a: { b: c\nd: e\n";   // issue 8: YamlDotNet throws InvalidOperationException on it
    private const string SyntaxReason = "YAML syntax: cannot read past here (is a '{', '[' or quote above left open?)";
    private const string TwoTaps = "ports:\n  - name: p1\n    attach: { tap: tp1 }\n  - name: p2\n    attach: { tap: tp2 }\n";

    [Fact(Timeout = 120_000)]
    public async Task ABrokenFileOnSighupKeepsTheBridgeRunningAndSaysWhere()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using ManagedProcess bridge = await ManagedProcess.StartApplianceAsync(ns.Name, TwoTaps);
        string good = await File.ReadAllTextAsync(bridge.ConfigFile);

        await File.WriteAllTextAsync(bridge.ConfigFile, BrokenYaml);
        await bridge.SignalAsync("HUP");

        await Eventually.TrueAsync(() => bridge.Log.Contains($"{bridge.ConfigFile}:2:1: {SyntaxReason}", StringComparison.Ordinal),
            $"the refused reload logged with the file's location; log:\n{bridge.Log}");
        Assert.Contains("refused (SIGHUP)", bridge.Log, StringComparison.Ordinal);
        Assert.False(bridge.HasExited, bridge.Log);
        (int exit, string output, string error) = bridge.Cli("link", "show");
        Assert.Equal((0, ""), (exit, error));
        Assert.Contains("p2", output, StringComparison.Ordinal);

        // The socket's way: the same located error in the answer, exit 1.
        (exit, _, error) = bridge.Cli("config", "reload");
        Assert.Equal(1, exit);
        Assert.Contains($"  {bridge.ConfigFile}:2:1: {SyntaxReason}\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(2, Reloads(bridge).GetProperty("refused").GetInt64());

        // Mended, the next SIGHUP applies it: the bridge was never stuck on the broken file.
        await File.WriteAllTextAsync(bridge.ConfigFile, good.Replace("tap: tp1 }", "tap: tp1 }\n    hairpin: true", StringComparison.Ordinal));
        await bridge.SignalAsync("HUP");
        await Eventually.TrueAsync(() => Port(bridge, "p1").GetProperty("flags").GetProperty("hairpin").GetBoolean(), "hairpin on after the mended reload");
        Assert.Equal(1, Reloads(bridge).GetProperty("applied").GetInt64());
        Assert.False(bridge.HasExited, bridge.Log);
    }

    [Fact(Timeout = 120_000)]
    public async Task ALinkSetSaveIntoABadFileChangesNeitherThePortNorTheFile()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using ManagedProcess bridge = await ManagedProcess.StartApplianceAsync(ns.Name, TwoTaps);
        string good = await File.ReadAllTextAsync(bridge.ConfigFile);
        string bad = good.Replace("tap: tp1 }", "tap: tp1 }\n    hairpn: true", StringComparison.Ordinal);
        await File.WriteAllTextAsync(bridge.ConfigFile, bad);

        (int exit, _, string error) = bridge.Cli("link", "set", "dev", "p1", "isolated", "on", "--save");

        Assert.Equal(1, exit);
        Assert.Contains("nothing changed", error, StringComparison.Ordinal);
        Assert.Contains($"  {bridge.ConfigFile}:4:5: unknown key 'hairpn' in port p1 (did you mean 'hairpin'?)", error, StringComparison.Ordinal);
        Assert.False(Port(bridge, "p1").GetProperty("flags").GetProperty("isolated").GetBoolean());
        Assert.Equal(bad, await File.ReadAllTextAsync(bridge.ConfigFile));

        // With the file mended the same command changes both.
        await File.WriteAllTextAsync(bridge.ConfigFile, good);
        (exit, _, error) = bridge.Cli("link", "set", "dev", "p1", "isolated", "on", "--save");
        Assert.Equal((0, ""), (exit, error));
        Assert.True(Port(bridge, "p1").GetProperty("flags").GetProperty("isolated").GetBoolean());
        Assert.Contains("isolated: true", await File.ReadAllTextAsync(bridge.ConfigFile), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task AnAfpacketPortOnAMissingInterfaceIsOneWarningNamingPortAndInterface()
    {
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using ManagedProcess bridge = await ManagedProcess.StartApplianceAsync(ns.Name,
            "ports:\n  - name: p1\n    attach: { afpacket: nosuch0 }\n  - name: p2\n    attach: { tap: tp2 }\n");

        const string warning = "warn: hairpin.link";
        await Eventually.TrueAsync(() => bridge.Log.Contains(warning, StringComparison.Ordinal), "the missing interface logged");
        string log = bridge.Log;
        Assert.Contains("port p1: link down on nosuch0: no interface nosuch0", log, StringComparison.Ordinal);
        Assert.Equal(1, log.Split('\n').Count(line => line.Contains("nosuch0", StringComparison.Ordinal) && line.Contains("warn", StringComparison.Ordinal)));
        Assert.Equal(0, bridge.Cli("link", "show").Exit);
    }

    [Fact(Timeout = 120_000)]
    public async Task TheExampleFileStartsOnAMachineWithoutItsInterfacesOrGroup()
    {
        // Only its /run/hairpin paths move into the test's directory; a fresh namespace has no veth-hv1, no
        // eth1, and its own loopback for the metrics port. Before, it exited 1 (group 'hairpin') after
        // saying it was forwarding.
        string example = await File.ReadAllTextAsync(Configuration.ConfigFile.Example("bridge.yaml"));
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using ManagedProcess bridge = await ManagedProcess.StartApplianceAsync(ns.Name,
            directory => example.Replace("/run/hairpin/", directory + "/", StringComparison.Ordinal));

        (int exit, string output, string error) = bridge.Cli("link", "show");

        Assert.Equal((0, ""), (exit, error));
        foreach (string port in new[] { "hv1", "hv2", "vm9", "uplink" })
        {
            Assert.Contains(port, output, StringComparison.Ordinal);
        }
        foreach (string missing in new[] { "port hv1: link down on veth-hv1: no interface veth-hv1", "port uplink: link down on eth1: no interface eth1" })
        {
            await Eventually.TrueAsync(() => bridge.Log.Contains(missing, StringComparison.Ordinal), $"the warning '{missing}'");
        }
        Assert.False(bridge.HasExited, bridge.Log);
    }

    private static JsonElement Port(ManagedProcess bridge, string name)
    {
        (int exit, string output, string error) = bridge.Cli("--json", "link", "show", "dev", name);
        Assert.True(exit == 0, error);
        return JsonDocument.Parse(output).RootElement[0].Clone();
    }

    private static JsonElement Reloads(ManagedProcess bridge)
    {
        (int exit, string output, string error) = bridge.Cli("--json", "stats");
        Assert.True(exit == 0, error);
        return JsonDocument.Parse(output).RootElement.GetProperty("reloads").Clone();
    }
}
