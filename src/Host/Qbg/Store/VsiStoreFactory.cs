// The VSI store an appliance's `store:` names: the embedded file by default, etcd when configured.
// Only a bridge with `evb:` ports has VSIs to keep; the others open none (and write no file).
using Hairpin.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg.Store;

internal static class VsiStoreFactory
{
    public static IVsiStore? Create(HostConfig config, ILoggerFactory logs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logs);
        if (config.Evb.Count == 0)
        {
            return null;
        }
        return config.Store switch
        {
            StoreConfig.Embedded embedded => new EmbeddedVsiStore(embedded.File, logs.CreateLogger("hairpin.store"), forgetAfter: embedded.ForgetAfter),
            StoreConfig.Etcd etcd => new EtcdVsiStore(new EtcdVsiStoreOptions(etcd.Endpoints, etcd.Name, logs.CreateLogger("hairpin.store"))
            {
                Prefix = etcd.Prefix,
                LeaseTtl = TimeSpan.FromSeconds(etcd.LeaseTtlSeconds),
                SeedTypes = config.VsiTypes,
                ForgetAfter = etcd.ForgetAfter,
            }),
            _ => throw new InvalidOperationException($"store: {config.Store.Describe()} is not supported by this build"),
        };
    }
}
