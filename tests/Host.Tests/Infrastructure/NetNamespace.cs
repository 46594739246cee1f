// A network namespace made for one test, with a random suffix so parallel work on the machine never
// collides; disposing deletes it (and so every interface still inside it), even after a failure.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class NetNamespace : IAsyncDisposable
{
    private NetNamespace(string name) => Name = name;

    public string Name { get; }

    public static async Task<NetNamespace> CreateAsync()
    {
        var ns = new NetNamespace(UniqueName("hpns-"));
        await ProcessRunner.RunAsync("ip", ["netns", "add", ns.Name]);
        try
        {
            await ns.IpAsync("link", "set", "lo", "up");
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
        return ns;
    }

    /// <summary>A namespace whose only frames are the test's own: IPv6 off (no router solicitations or MLD in the counters).</summary>
    public static async Task<NetNamespace> CreateQuietAsync()
    {
        NetNamespace ns = await CreateAsync();
        await ns.ExecAsync(["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
        await ns.ExecAsync(["sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"]);
        return ns;
    }

    /// <summary>A veth created straight inside the two namespaces (names are private to them), both ends up.</summary>
    public static async Task VethAsync(NetNamespace leftNs, string left, NetNamespace rightNs, string right)
    {
        ArgumentNullException.ThrowIfNull(leftNs);
        ArgumentNullException.ThrowIfNull(rightNs);
        await ProcessRunner.RunAsync("ip", ["link", "add", left, "netns", leftNs.Name, "type", "veth", "peer", "name", right, "netns", rightNs.Name]);
        await leftNs.IpAsync("link", "set", left, "up");
        await rightNs.IpAsync("link", "set", right, "up");
    }

    /// <summary>A name of <paramref name="prefix"/> plus 6 hex digits (interface names allow 15 bytes).</summary>
    public static string UniqueName(string prefix) => prefix + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];

    /// <summary>`ip -n NAME ...`.</summary>
    public Task<ProcessRunner.Result> IpAsync(params string[] arguments) => ProcessRunner.RunAsync("ip", ["-n", Name, .. arguments]);

    /// <summary>Runs a program inside the namespace (`ip netns exec NAME ...`).</summary>
    public Task<ProcessRunner.Result> ExecAsync(IEnumerable<string> command, bool check = true, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", Name, .. command], check, timeout);

    /// <summary>Sends frames from inside the namespace with scapy (Debian's python3-scapy, hence /usr/bin/python3).</summary>
    public Task SendWithScapyAsync(string interfaceName, string scapyFrameExpression) =>
        ExecAsync(["/usr/bin/python3", "-c",
            "import sys\nfrom scapy.all import Ether, Dot1Q, Dot1AD, Raw, sendp\n" +
            $"sendp({scapyFrameExpression}, iface=sys.argv[1], verbose=False)", interfaceName], timeout: TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync() => await ProcessRunner.RunAsync("ip", ["netns", "del", Name], check: false);
}
