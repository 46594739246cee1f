// How an appliance reaches the shared VSI store on etcd: the endpoints, the key prefix every
// appliance of a site agrees on, this appliance's name (owner of its VSIs and counter segments) and
// its lease's TTL (how long after its death its VSIs are marked lost).
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg.Store;

/// <param name="Endpoints">etcd client URLs, e.g. "http://127.0.0.1:2379".</param>
/// <param name="Appliance">This appliance's name in the store; unique per site.</param>
public sealed record EtcdVsiStoreOptions(IReadOnlyList<string> Endpoints, string Appliance, ILogger Logger)
{
    public string Prefix { get; init; } = "/hairpin";

    /// <summary>After this long without a keep-alive, etcd drops the appliance's lease and its VSIs are marked lost.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a single request to etcd may take: a claim answers Unavailable after about this, never hangs.</summary>
    public TimeSpan RequestDeadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A VSI de-associated or lost this long is removed with its counters and moves (`forget_after`).</summary>
    public TimeSpan ForgetAfter { get; init; } = Hairpin.Host.Configuration.StoreConfig.DefaultForgetAfter;

    /// <summary>How often this appliance looks for VSIs to forget (every appliance of the site does; a transaction makes each happen once).</summary>
    public TimeSpan ForgetSweep { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The plane's clock: the times a restored VsiRecord carries (AssociatedAt, LastKeepAlive).</summary>
    public Func<TimeSpan> Clock { get; init; } = () => TimeSpan.FromMilliseconds(Environment.TickCount64);

    /// <summary>
    /// This appliance's YAML `vsi_types:`: each is put into the store at open unless the store has that
    /// type and version already (the store's definition wins: types are defined once, for every appliance).
    /// </summary>
    public IReadOnlyList<Hairpin.Host.Configuration.VsiTypeConfig> SeedTypes { get; init; } = [];
}
