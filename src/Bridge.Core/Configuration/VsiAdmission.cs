// 802.1Qbg on a bridge port: which VMs (VSIs) the station has associated there. On a port that
// enforces it, only the associated (MAC, VID) pairs may send (link-local control frames are trapped
// before this check); the pairs are pinned to the port as static FDB entries; each VSI has counters
// of its own, keyed by its VSIID so they outlive a republish (and, later, a move).
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Configuration;

/// <summary>One (MAC, VID) of a VSI's filter, bound to the VSI whose counters its frames feed.</summary>
/// <param name="Vsi">The VSIID as text (e.g. a UUID): the key of the VSI's counters.</param>
/// <param name="Mac">The VM's MAC; <see cref="MacAddress.Zero"/> for a VID-only filter, which admits any MAC in <paramref name="Vid"/> (and pins none).</param>
public readonly record struct VsiBinding(string Vsi, MacAddress Mac, int Vid)
{
    public bool IsVlanWide => Mac.IsZero;
}

public sealed record VsiAdmission
{
    public static VsiAdmission Off { get; } = new();

    /// <summary>True on an `evb:` port: frames from a (MAC, VID) not bound here are dropped (`vsi-not-associated`).</summary>
    public bool Enforced { get; init; }
    public IReadOnlyList<VsiBinding> Bindings { get; init; } = [];

    public IEnumerable<string> Validate()
    {
        var seen = new HashSet<(ulong, int)>();
        foreach (VsiBinding binding in Bindings)
        {
            if (binding.Mac.IsGroup)
            {
                yield return $"vsi {binding.Vsi}: MAC {binding.Mac} is not a unicast address";
            }
            if (binding.Vid is < 1 or > VlanSet.MaxVid)
            {
                yield return $"vsi {binding.Vsi}: VLAN {binding.Vid} is outside 1..{VlanSet.MaxVid}";
            }
            if (!seen.Add((binding.Mac.Value, binding.Vid)))
            {
                yield return $"vsi {binding.Vsi}: MAC {binding.Mac} in VLAN {binding.Vid} is bound twice";
            }
        }
    }
}
