// One real etcd and the appliances' stores opened on it for a test: VSIs to claim, the events each
// store raised, and everything stopped and removed at the end. The etcd tests run one at a time
// (each starts and kills its own server; two cores are shared).
using System.Collections.Concurrent;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Qbg.Store;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EtcdTestGroup
{
    public const string Name = "etcd";
}

public sealed class EtcdStoreLab : IAsyncDisposable
{
    /// <summary>Short, so a dead appliance's VSIs are lost within seconds (etcd's minimum is about 2 s).</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    private readonly List<EtcdVsiStore> _stores = [];
    private readonly List<TcpRelay> _relays = [];

    private EtcdStoreLab(EtcdServer etcd) => Etcd = etcd;

    public EtcdServer Etcd { get; }
    public CapturingLogger Log { get; } = new();

    public static async Task<EtcdStoreLab> StartAsync() => new(await EtcdServer.StartAsync());

    /// <summary>A store for <paramref name="appliance"/> (not opened), through <paramref name="endpoint"/> (default: etcd itself).</summary>
    public EtcdVsiStore Store(string appliance, string? endpoint = null)
    {
        var store = new EtcdVsiStore(new EtcdVsiStoreOptions([endpoint ?? Etcd.Endpoint], appliance, Log.Factory.CreateLogger($"store {appliance}")) { LeaseTtl = Ttl });
        _stores.Add(store);
        return store;
    }

    /// <summary>A store opened, with its events recorded.</summary>
    public async Task<(EtcdVsiStore Store, StoreStartup Startup, ConcurrentQueue<VsiStoreEvent> Events)> OpenAsync(string appliance, string? endpoint = null)
    {
        EtcdVsiStore store = Store(appliance, endpoint);
        var events = new ConcurrentQueue<VsiStoreEvent>();
        store.Changed += (_, change) => events.Enqueue(change);
        StoreStartup startup = await store.OpenAsync(CancellationToken.None);
        return (store, startup, events);
    }

    /// <summary>A relay to etcd that the test can cut: one appliance's partition.</summary>
    public TcpRelay Relay()
    {
        TcpRelay relay = TcpRelay.Start(Etcd.ClientPort);
        _relays.Add(relay);
        return relay;
    }

    /// <summary>Disposes <paramref name="store"/> without releasing anything: the appliance stops (its lease is left to expire).</summary>
    public async Task StopAsync(EtcdVsiStore store)
    {
        _stores.Remove(store);
        await store.DisposeAsync();
    }

    private static int _next;

    /// <summary>A VSI not used before in this run, associated, with one MAC on VLAN 10.</summary>
    public static VsiRecord NewVsi(VdpRequest request = VdpRequest.Associate)
    {
        int n = Interlocked.Increment(ref _next);
        return new VsiRecord(new VsiId(VsiIdFormat.Uuid, new UInt128(0xa1412857_60f7_4ce1, (ulong)n)), new VdpManagerId(7), 42, 1, request, VsiHint.None,
            VdpFilterFormat.MacVid, [new VdpFilter(0, false, 10, Hairpin.Bridge.Core.Headers.MacAddress.Parse($"52:54:00:00:{n >> 8 & 0xff:x2}:{n & 0xff:x2}"), null)],
            TimeSpan.Zero, TimeSpan.Zero);
    }

    public static VsiCountersSnapshot Counters(long frames) =>
        new(frames, frames * 100, frames * 2, frames * 200, new Dictionary<DropReason, long> { [DropReason.MalformedRunt] = frames }, new Dictionary<DropReason, long>(), frames, 1, 0, 0);

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (EtcdVsiStore store in _stores)
            {
                await store.DisposeAsync();
            }
            foreach (TcpRelay relay in _relays)
            {
                await relay.DisposeAsync();
            }
        }
        finally
        {
            // etcd goes whatever happened above: a test run leaves no server behind.
            await Etcd.DisposeAsync();
            Log.Dispose();
        }
    }
}
