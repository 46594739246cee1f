// A throwaway network for one test: namespaces, veths and macvlans with names unique to this run,
// link-local addresses only, and everything removed on dispose, even when the test failed
// (../shared/ENVIRONMENT.md). Commands run bounded through ProcessRunner.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class NetLab : IAsyncDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<(string Namespace, string Device)> _devices = [];

    /// <summary>A short suffix unique to this lab, so parallel runs and other work never collide.</summary>
    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..6];

    /// <summary>Creates namespace PREFIX-SUFFIX with loopback up; returns its name.</summary>
    public async Task<string> NamespaceAsync(string prefix)
    {
        string name = $"{prefix}-{Suffix}";
        await Ip("netns", "add", name);
        _namespaces.Add(name);
        await Ip("-n", name, "link", "set", "lo", "up");
        return name;
    }

    /// <summary>A veth pair: <paramref name="left"/> in <paramref name="leftNs"/>, <paramref name="right"/> in <paramref name="rightNs"/>, both up.</summary>
    public async Task VethAsync(string leftNs, string left, string rightNs, string right)
    {
        await Ip("link", "add", left, "netns", leftNs, "type", "veth", "peer", "name", right, "netns", rightNs);
        _devices.Add((leftNs, left));
        await Ip("-n", leftNs, "link", "set", left, "up");
        await Ip("-n", rightNs, "link", "set", right, "up");
    }

    /// <summary>A macvlan on <paramref name="lower"/> (in <paramref name="lowerNs"/>), moved into <paramref name="targetNs"/> and up.</summary>
    public static async Task MacvlanAsync(string lowerNs, string lower, string name, string mode, string targetNs, string mac)
    {
        await Ip("-n", lowerNs, "link", "add", name, "link", lower, "address", mac, "type", "macvlan", "mode", mode);
        await Ip("-n", lowerNs, "link", "set", name, "netns", targetNs);
        await Ip("-n", targetNs, "link", "set", name, "up");
    }

    public static Task AddressAsync(string ns, string device, string cidr) => Ip("-n", ns, "addr", "add", cidr, "dev", device);

    public static Task DeleteLinkAsync(string ns, string device) => Ip("-n", ns, "link", "del", device);

    public static Task<ProcessRunner.Result> Ip(params string[] arguments) => ProcessRunner.RunAsync("ip", arguments);

    /// <summary>Runs a command inside a namespace; with <paramref name="check"/> false a failure is returned, not thrown.</summary>
    public static Task<ProcessRunner.Result> InAsync(string ns, string[] command, bool check = true, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", ns, .. command], check, timeout);

    /// <summary>Replies received by `ping -c COUNT` from <paramref name="ns"/> to <paramref name="address"/> (bounded by -w).</summary>
    public static async Task<int> PingAsync(string ns, string address, int count = 3, double interval = 0.2)
    {
        ProcessRunner.Result result = await InAsync(ns,
            ["ping", "-n", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", interval.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-W", "1", "-w", ((int)Math.Ceiling((count * interval) + 2)).ToString(System.Globalization.CultureInfo.InvariantCulture), address],
            check: false, timeout: TimeSpan.FromSeconds((count * interval) + 10));
        return result.Output.Split('\n').Count(line => line.Contains("bytes from", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        foreach ((string ns, string device) in _devices)
        {
            await ProcessRunner.RunAsync("ip", ["-n", ns, "link", "del", device], check: false);
        }
        foreach (string ns in _namespaces)
        {
            await ProcessRunner.RunAsync("ip", ["netns", "del", ns], check: false);
        }
    }
}
