// What `vsi type` shows and changes: the VSI types (802.1Qbg type ID and version, a port profile in
// NX-OS words) this bridge applies, where they come from, and how many VMs use each here.
namespace Hairpin.Host.Management;

/// <summary>One VSI type in force (`vsi type show`).</summary>
/// <param name="Source">"config" (the file's `vsi_types:`) or "store" (the site's shared types on etcd).</param>
/// <param name="Vsis">VSIs of this type associated on this bridge now.</param>
public sealed record VsiTypeInfo(int Id, int Version, int Vlan, string? Acl, string? Meter, int MaxMacs, IReadOnlyList<string> Managers, string Source, int Vsis);

/// <summary>`vsi.type.set`: the type as it is to be (replacing the same ID and version if there is one).</summary>
public sealed record VsiTypeSetArgs(int Id, int Version, int Vlan, string? Acl = null, string? Meter = null, int MaxMacs = 0, IReadOnlyList<string>? Managers = null);

/// <summary>`vsi.type.del`: one type, by ID and version.</summary>
public sealed record VsiTypeSelector(int Id, int Version);

/// <summary>`vsi type`: a program whose VSI types an operator can list and, where they are shared in a store, change.</summary>
public interface IVsiTypeControl
{
    /// <summary>The types in force, by ID then version.</summary>
    Task<IReadOnlyList<VsiTypeInfo>> ShowVsiTypesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the type into the shared store after checking it against this bridge's configuration
    /// (its ACL and meter exist); returns it as in force here once applied. A bridge whose types are
    /// its file's refuses with a <see cref="ManagementException"/> that says to edit the file.
    /// </summary>
    Task<VsiTypeInfo> SetVsiTypeAsync(VsiTypeSetArgs args, CancellationToken cancellationToken);

    /// <summary>Removes the type from the shared store; refused while a VSI of it is held anywhere.</summary>
    Task DeleteVsiTypeAsync(VsiTypeSelector selector, CancellationToken cancellationToken);
}
