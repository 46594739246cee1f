// The simplest VSI manager database: a table of known VSI types, each bound to one VLAN. A request for a
// known type is put on its VLAN; an unknown type, or a VID other than the type's, is refused.
namespace Hairpin.Bridge.Core.Qbg.Vdp;

/// <param name="TypeVersion">Null: any version of the type.</param>
public readonly record struct VsiTypeEntry(uint TypeId, byte? TypeVersion, int Vid);

public sealed class VsiTypeTable(IEnumerable<VsiTypeEntry> entries) : IVsiPolicy
{
    private readonly VsiTypeEntry[] _entries = [.. entries];

    public IReadOnlyList<VsiTypeEntry> Entries => _entries;

    public VsiVerdict Evaluate(VsiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (VsiTypeEntry entry in _entries)
        {
            if (entry.TypeId != request.TypeId || (entry.TypeVersion is byte version && version != request.TypeVersion))
            {
                continue;
            }
            foreach (VdpFilter filter in request.Filters)
            {
                if (filter.Vid != 0 && filter.Vid != entry.Vid)
                {
                    return VsiVerdict.Refuse(VdpError.InvalidFilter, $"VSI type {request.TypeId} v{request.TypeVersion} is on VLAN {entry.Vid}, not {filter.Vid}");
                }
            }
            return VsiVerdict.AcceptOnVlan(entry.Vid, request.Filters.Count);
        }
        return VsiVerdict.Refuse(VdpError.OtherFailure, $"VSI type {request.TypeId} v{request.TypeVersion} is not known");
    }
}
