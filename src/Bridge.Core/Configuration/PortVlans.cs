// A port's VLAN membership in the Linux bridge's terms (`bridge vlan add dev X vid N pvid untagged`):
// which VIDs it carries, which of them leave untagged, and which VID untagged frames get on ingress.
namespace Hairpin.Bridge.Core.Configuration;

public sealed record PortVlans
{
    /// <summary>VID given to untagged and priority-tagged frames; 0 means none (they are dropped).</summary>
    public int Pvid { get; init; }
    public VlanSet Members { get; init; } = VlanSet.Empty;
    /// <summary>VIDs sent without a tag on egress (a subset of <see cref="Members"/>).</summary>
    public VlanSet Untagged { get; init; } = VlanSet.Empty;
    /// <summary>
    /// Configured as a trunk: never an access port, even while it carries its native VLAN alone (an MVRP
    /// trunk before anything is registered), so a tagged frame of a VLAN it lacks is filtered as such
    /// (`ingress-vlan-filtered`), not refused as VLAN hopping.
    /// </summary>
    public bool IsTrunk { get; init; }

    /// <summary>What the Linux bridge gives a new port: VID 1, PVID and untagged.</summary>
    public static PortVlans Default { get; } = Access(1);

    /// <summary>An access port: one VLAN, untagged both ways.</summary>
    public static PortVlans Access(int vid) => new() { Pvid = vid, Members = VlanSet.Of(vid), Untagged = VlanSet.Of(vid) };

    /// <summary>A trunk carrying <paramref name="allowed"/> tagged, with an optional untagged native VLAN.</summary>
    public static PortVlans Trunk(VlanSet allowed, int nativeVid = 0)
    {
        if (nativeVid == 0)
        {
            return new PortVlans { Pvid = 0, Members = allowed, Untagged = VlanSet.Empty, IsTrunk = true };
        }
        return new PortVlans
        {
            Pvid = nativeVid,
            Members = new VlanSet(allowed.Vids.Append(nativeVid)),
            Untagged = VlanSet.Of(nativeVid),
            IsTrunk = true,
        };
    }

    /// <summary>One VLAN, untagged and PVID: a port facing a host, where tagged frames have no business.</summary>
    public bool IsAccess => !IsTrunk && Pvid != 0 && Untagged.Contains(Pvid) && Members.Vids.Count() == 1;

    public IEnumerable<string> Validate()
    {
        if (Pvid != 0 && !Members.Contains(Pvid))
        {
            yield return $"pvid {Pvid} is not one of the port's VLANs ({Members})";
        }
        if (!Untagged.IsSubsetOf(Members))
        {
            yield return $"untagged VLANs ({Untagged}) must be among the port's VLANs ({Members})";
        }
    }

    public override string ToString() => $"pvid {Pvid} vlans {Members} untagged {Untagged}";
}
