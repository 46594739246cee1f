// `vsi type`: the VSI types this bridge applies and, where the site shares them in its etcd store, an
// operator's change to them: checked against this bridge's ACLs and meters before it is written (a
// type every appliance would refuse never reaches the store), removed only while no VSI holds it.
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg;
using Hairpin.Host.Qbg.Store;

namespace Hairpin.Host.Runtime;

public sealed partial class BridgeControl : IVsiTypeControl
{
    /// <summary>How long `vsi type set` waits to see its type in force here (the store's watch brings it back within a second).</summary>
    private static readonly TimeSpan TypeApplyPatience = TimeSpan.FromSeconds(3);

    public Task<IReadOnlyList<VsiTypeInfo>> ShowVsiTypesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VsiTypeInfo>>([.. runtime.Config.VsiTypes.OrderBy(type => type.Id).ThenBy(type => type.Version).Select(InfoOf)]);

    public async Task<VsiTypeInfo> SetVsiTypeAsync(VsiTypeSetArgs args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ISharedTypeStore store = SharedTypes();
        var type = new VsiTypeConfig
        {
            Id = args.Id, Version = args.Version, Vlan = args.Vlan, Acl = args.Acl, Meter = args.Meter, MaxMacs = args.MaxMacs, Managers = args.Managers ?? [],
        };
        if (type.Id is < 0 or > EvbReader.MaxTypeId || type.Version is < 0 or > 255 || type.Vlan is < 1 or > 4094 || type.MaxMacs < 0)
        {
            throw new ManagementException($"{type.Describe()}: id is 0..{EvbReader.MaxTypeId}, version 0..255, vlan 1..4094, max_macs 0 or more");
        }
        HostConfig config = runtime.Config;
        List<VsiTypeConfig> after = [.. config.VsiTypes.Where(other => (other.Id, other.Version) != (type.Id, type.Version)), type];
        if (VsiTypeCheck.Problems(after, config) is { Count: > 0 } problems)
        {
            throw new ManagementException($"not written: {string.Join("; ", problems)}");
        }
        await store.PutTypeAsync(type, cancellationToken).ConfigureAwait(false);
        DateTime deadline = DateTime.UtcNow + TypeApplyPatience;
        while (!runtime.Config.VsiTypes.Contains(type, VsiTypeComparer.Instance))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ManagementException($"{type.Describe()} was written to the store but is not in force here after {TypeApplyPatience.TotalSeconds:0} s: see the bridge's log");
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return InfoOf(type);
    }

    public async Task DeleteVsiTypeAsync(VsiTypeSelector selector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ISharedTypeStore store = SharedTypes();
        IVsiStore vsis = runtime.VsiStore!;
        string described = $"type {selector.Id} version {selector.Version}";
        List<StoredVsi> users = [.. (await vsis.ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(vsi => vsi.Type == new VsiTypeRef(selector.Id, selector.Version) && vsi.State != "de-associated")];
        if (users.Count > 0)
        {
            string named = string.Join(", ", users.Take(5).Select(vsi => $"{vsi.VsiId} on {vsi.Appliance}/{vsi.Port}")) + (users.Count > 5 ? $" and {users.Count - 5} more" : "");
            throw new ManagementException($"{described} is in use by {users.Count} VSIs ({named}): they would be refused at their next keep-alive; de-associate them first");
        }
        if (!await store.DeleteTypeAsync(selector.Id, selector.Version, cancellationToken).ConfigureAwait(false))
        {
            throw new ManagementException($"the store has no VSI {described}");
        }
    }

    /// <summary>The store that shares the site's types, or why this bridge's types cannot be changed here.</summary>
    private ISharedTypeStore SharedTypes() =>
        runtime.VsiStore as ISharedTypeStore
        ?? throw new ManagementException($"this bridge's VSI types are its file's vsi_types: (the {runtime.Config.Store.Describe()} store shares none): edit {runtime.Config.SourceFile} and run `hairpin config reload`");

    private VsiTypeInfo InfoOf(VsiTypeConfig type) =>
        new(type.Id, type.Version, type.Vlan, type.Acl, type.Meter, type.MaxMacs, type.Managers, runtime.TypesFromStore ? "store" : "config",
            runtime.Qbg.Published.Associations.Count(vsi => vsi.Type == new VsiTypeRef(type.Id, type.Version)));

    /// <summary>By value, managers included (the record's own equality compares the list by reference).</summary>
    private sealed class VsiTypeComparer : IEqualityComparer<VsiTypeConfig>
    {
        public static readonly VsiTypeComparer Instance = new();

        public bool Equals(VsiTypeConfig? x, VsiTypeConfig? y) =>
            x is not null && y is not null && (x with { Managers = [] }) == (y with { Managers = [] }) && x.Managers.SequenceEqual(y.Managers, StringComparer.Ordinal);

        public int GetHashCode(VsiTypeConfig obj) => HashCode.Combine(obj.Id, obj.Version, obj.Vlan);
    }
}
