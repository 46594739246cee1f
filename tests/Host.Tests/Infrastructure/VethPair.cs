// A veth pair for one test: one end in this (root) namespace for the transport under test, the other
// in the test's namespace. The root end is kept quiet (no address, IPv6 off) so the only traffic is the
// test's own. Disposing deletes the pair (both ends go together) if it still exists.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class VethPair : IAsyncDisposable
{
    private VethPair(string rootEnd, string peerEnd, NetNamespace peerNamespace)
    {
        RootEnd = rootEnd;
        PeerEnd = peerEnd;
        PeerNamespace = peerNamespace;
    }

    public string RootEnd { get; }
    public string PeerEnd { get; }
    public NetNamespace PeerNamespace { get; }

    public static async Task<VethPair> CreateAsync(NetNamespace peerNamespace)
    {
        ArgumentNullException.ThrowIfNull(peerNamespace);
        var pair = new VethPair(NetNamespace.UniqueName("hpva"), NetNamespace.UniqueName("hpvb"), peerNamespace);
        await pair.AddAsync();
        return pair;
    }

    /// <summary>Creates the pair (again, after <see cref="DeleteAsync"/>) with the same names, both ends up.</summary>
    public async Task AddAsync()
    {
        await ProcessRunner.RunAsync("ip", ["link", "add", RootEnd, "type", "veth", "peer", "name", PeerEnd, "netns", PeerNamespace.Name]);
        try
        {
            await ProcessRunner.RunAsync("sysctl", ["-q", "-w", $"net.ipv6.conf.{RootEnd}.disable_ipv6=1"]);
            await ProcessRunner.RunAsync("ip", ["link", "set", RootEnd, "up"]);
            await PeerNamespace.IpAsync("link", "set", PeerEnd, "up");
        }
        catch
        {
            await DeleteAsync();
            throw;
        }
    }

    public async Task DeleteAsync() => await ProcessRunner.RunAsync("ip", ["link", "del", RootEnd], check: false);

    public async ValueTask DisposeAsync() => await DeleteAsync();
}
