// What every multi-process lab here owns: the namespaces made for it and the programs started in them,
// removed on dispose (programs in reverse order of start, then the namespaces) even when starting failed
// half way or one of them would not stop; and the host set-up the labs share (an address and MAC on
// eth0, permanent neighbour entries so a closed path loses pings instead of holding them for ARP).
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class ProcessLab : IAsyncDisposable
{
    private readonly List<NetNamespace> _namespaces = [];
    private readonly List<IAsyncDisposable> _processes = [];

    /// <summary>A new namespace whose interfaces stay quiet, removed with the lab.</summary>
    public async Task<NetNamespace> NamespaceAsync()
    {
        NetNamespace ns = await NetNamespace.CreateQuietAsync();
        _namespaces.Add(ns);
        return ns;
    }

    /// <summary>Keeps <paramref name="process"/> to stop with the lab (the last started stops first).</summary>
    public T Own<T>(T process)
        where T : IAsyncDisposable
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>eth0 of <paramref name="ns"/> gets <paramref name="mac"/> and <paramref name="address"/>/16.</summary>
    public static async Task HostAsync(NetNamespace ns, string mac, string address)
    {
        await ns.IpAsync("link", "set", "eth0", "address", mac);
        await ns.IpAsync("addr", "add", address + "/16", "dev", "eth0");
    }

    /// <summary>A permanent neighbour entry on eth0.</summary>
    public static async Task StaticNeighbourAsync(NetNamespace ns, string address, string mac) =>
        await ns.IpAsync("neigh", "replace", address, "lladdr", mac, "dev", "eth0", "nud", "permanent");

    /// <summary>The end of a program's log, for failure messages.</summary>
    public static string Tail(string log, int characters = 3000) => log.Length > characters ? log[^characters..] : log;

    public async ValueTask DisposeAsync()
    {
        Exception? first = null;
        for (int index = _processes.Count - 1; index >= 0; index--)
        {
            try
            {
                await _processes[index].DisposeAsync();
            }
            catch (Exception error) when (error is TimeoutException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                first ??= error;
            }
        }
        foreach (NetNamespace ns in _namespaces)
        {
            await ns.DisposeAsync();
        }
        if (first is not null)
        {
            throw new InvalidOperationException("the lab's processes did not all stop", first);
        }
    }
}
