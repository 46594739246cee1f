// A VM the 802.1Qbg control plane has associated on a bridge port: what the overlay turns into engine
// configuration. Host-level and immutable: a change is a new list, published whole.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Host.Qbg;

/// <summary>One (MAC, VID) of a VSI's filter, with the VID the bridge settled (never 0).</summary>
/// <param name="Mac">The VM's MAC; <see cref="MacAddress.Zero"/> for a VID-only filter (any MAC in the VLAN).</param>
public readonly record struct VsiFilterEntry(MacAddress Mac, int Vid)
{
    /// <summary>A VDP filter's entries in the host's terms (no MAC: <see cref="MacAddress.Zero"/>).</summary>
    public static IReadOnlyList<VsiFilterEntry> Of(IEnumerable<VdpFilter> filters) =>
        [.. filters.Select(filter => new VsiFilterEntry(filter.Mac ?? MacAddress.Zero, filter.Vid))];
}

/// <param name="VsiId">The VSIID as text (a UUID, MAC, IP address or local ID): the key of its counters.</param>
public sealed record VsiAssociation(string Port, string VsiId, VsiTypeRef Type, IReadOnlyList<VsiFilterEntry> Filter);

/// <summary>A VSI type ID and version, as a station names it.</summary>
public readonly record struct VsiTypeRef(int Id, int Version)
{
    public static VsiTypeRef Of(VsiRecord vsi) => new((int)vsi.TypeId, vsi.TypeVersion);

    public override string ToString() => $"type {Id} version {Version}";
}
