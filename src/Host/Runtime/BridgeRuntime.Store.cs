// The running appliance and its VSI store: what it restores before forwarding (associations, counter
// segments, shared VSI types), the store's news handed to the forwarding thread, shared types applied
// as a reload would apply them, and the counter segments published every second and at the end.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;
using Hairpin.Host.Qbg.Store;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Runtime;

public sealed partial class BridgeRuntime
{
    private IReadOnlyList<VsiTypeConfig>? _sharedTypes;
    private VsiCounterPublisher? _counterPublisher;

    /// <summary>Whether the VSI types in force are the store's (shared by the site) rather than the file's `vsi_types:`.</summary>
    internal bool TypesFromStore => Volatile.Read(ref _sharedTypes) is not null;

    /// <summary>Where VSI state outlives ports and restarts (`store:`), the 802.1Qbg plane's owner of VSIs; null without one.</summary>
    internal IVsiStore? VsiStore { get; }

    /// <summary>
    /// Before <see cref="StartForwarding"/>: opens the store, gives the engine back this appliance's
    /// counter segments, holds again the VSIs it owned (their VMs pass at once), adopts the store's
    /// VSI types when it shares them, and starts listening to it and publishing counters.
    /// </summary>
    public async Task RestoreFromStoreAsync(CancellationToken cancel)
    {
        if (VsiStore is not IVsiStore store)
        {
            return;
        }
        StoreStartup startup = await store.OpenAsync(cancel).ConfigureAwait(false);
        foreach (VsiSegment segment in startup.Segments)
        {
            Engine.RestoreVsiCounters(segment.VsiId, segment.Counters);   // the forwarding thread is not running yet
        }
        if (startup.SharedTypes is { } shared)
        {
            ApplySharedTypes(shared);
        }
        Qbg.Restore(startup.Owned, _stage.Now);
        store.Changed += OnStoreChanged;
        _counterPublisher = VsiCounterPublisher.Start(store, () => Engine.AllVsiCounters(), _log);
        string described = store.Describe();
        LogStoreOpened(described, startup.Owned.Count, startup.Segments.Count);
    }

    /// <summary>
    /// The store's VSI types replace the YAML's (a reload keeps them): published through the overlay,
    /// and every VSI asked again under them. A type naming an ACL or meter this appliance lacks is
    /// refused whole: the previous types stay, and the log says why.
    /// </summary>
    private void ApplySharedTypes(IReadOnlyList<VsiTypeConfig> types)
    {
        lock (_configLock)
        {
            HostConfig current = Config;
            if (VsiTypeCheck.Problems(types, current) is { Count: > 0 } problems)
            {
                string refused = string.Join("; ", problems);
                LogSharedTypesRefused(refused);
                return;
            }
            try
            {
                PublishWith(current, current with { VsiTypes = types }, PreparedChange.None);
                _sharedTypes = types;
            }
            catch (InvalidBridgeConfigException error)
            {
                string errors = string.Join("; ", error.Errors);
                LogSharedTypesRefused(errors);
                return;
            }
        }
        _ = _work.Run(() =>
        {
            Qbg.Revalidate(_stage.Now, () => Config);
            return true;
        });
        _readiness.Wake();
    }

    private HostConfig WithSharedTypes(HostConfig next) => _sharedTypes is { } shared ? next with { VsiTypes = shared } : next;

    private void OnStoreChanged(object? sender, VsiStoreEvent change)
    {
        if (change is VsiStoreEvent.TypesChanged types)
        {
            ApplySharedTypes(types.Types);
            return;
        }
        Qbg.OnStoreEvent(change, PostToForwardingThread);
    }

    private void PostToForwardingThread(Action action)
    {
        _ = _work.Run(() =>
        {
            action();
            return true;
        });
    }

    private async ValueTask StopStoreAsync()
    {
        if (VsiStore is IVsiStore store)
        {
            store.Changed -= OnStoreChanged;
        }
        if (_counterPublisher is not null)
        {
            await _counterPublisher.DisposeAsync().ConfigureAwait(false);   // the last counts go out before the store closes
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI store {Store}: {Owned} VSIs restored, counters of {Segments} VSIs")]
    private partial void LogStoreOpened(string store, int owned, int segments);

    [LoggerMessage(Level = LogLevel.Error, Message = "the store's VSI types were not applied (the previous ones stay): {Errors}")]
    private partial void LogSharedTypesRefused(string errors);
}
