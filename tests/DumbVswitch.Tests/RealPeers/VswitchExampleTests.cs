// `dumb-vswitch --config examples/dumb-vswitch.yaml` as a newcomer runs it: on a machine that has
// none of its interfaces and no group 'hairpin' it starts (warning that eth1 is missing) and answers,
// and a SIGHUP (which it does not act on) no longer ends it. Only the example's /run paths move into the test's directory.
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class VswitchExampleTests
{
    [Fact(Timeout = 120_000)]
    public async Task TheExampleStartsAnswersAndOutlivesASighup()
    {
        string example = await File.ReadAllTextAsync(Example("dumb-vswitch.yaml"));
        await using NetNamespace ns = await NetNamespace.CreateAsync();
        await using ManagedProcess vswitch = await ManagedProcess.StartVswitchAsync(ns.Name, directory => example
            .Replace("/run/hairpin/", directory + "/", StringComparison.Ordinal)
            .Replace("/run/dvs/", directory + "/", StringComparison.Ordinal));

        (int exit, string output, string error) = vswitch.Cli("link", "show");
        Assert.Equal((0, ""), (exit, error));
        foreach (string port in new[] { "vm-a", "vm-b", "vm-c" })
        {
            Assert.Contains(port, output, StringComparison.Ordinal);
        }

        Assert.True(await Eventually.HoldsAsync(() => vswitch.Log.Contains("port uplink: link down on eth1: no interface eth1", StringComparison.Ordinal)),
            $"the missing uplink logged; log:\n{vswitch.Log}");

        await vswitch.SignalAsync("HUP");
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Log.Contains("SIGHUP ignored", StringComparison.Ordinal)), $"the SIGHUP logged; log:\n{vswitch.Log}");
        Assert.False(vswitch.HasExited, vswitch.Log);
        Assert.Equal(0, vswitch.Cli("link", "show").Exit);
    }

    private static string Example(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "examples", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"examples/{name} not found above {AppContext.BaseDirectory}");
    }
}
