// What the 802.1Qbg control plane adds to the operator's configuration before it reaches the engine:
// on every `evb:` port, reflective relay as negotiated (where hairpin is `auto`), admission of exactly
// the associated (MAC, VID) pairs, membership of their VIDs, and each VM's type policy (ACL both ways,
// meter). Pure: the same inputs give the same BridgeConfig, so a reload, a `link set` and a protocol
// event all publish through it and never undo one another.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg;

public static class QbgOverlay
{
    /// <param name="negotiatedRelay">Ports whose EVB negotiation has reflective relay on.</param>
    public static BridgeConfig Apply(HostConfig config, IReadOnlySet<string> negotiatedRelay, IReadOnlyList<VsiAssociation> associations)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(negotiatedRelay);
        ArgumentNullException.ThrowIfNull(associations);
        BridgeConfig bridge = config.Bridge;
        if (config.Evb.Count == 0)
        {
            return bridge;
        }
        var types = config.VsiTypes.ToDictionary(type => new VsiTypeRef(type.Id, type.Version));
        var ports = bridge.Ports.ToArray();
        var vmAcls = bridge.VmAcls.ToList();
        var vmPolicers = bridge.VmPolicers.ToList();
        foreach (EvbPortConfig evb in config.Evb)
        {
            int index = bridge.IndexOf(evb.Port);
            if (index < 0)
            {
                continue;
            }
            PortConfig port = ports[index];
            List<VsiAssociation> here = [.. associations.Where(association => association.Port == evb.Port)];
            var bindings = new List<VsiBinding>();
            var vids = new SortedSet<int>();
            foreach (VsiAssociation association in here)
            {
                types.TryGetValue(association.Type, out VsiTypeConfig? type);
                foreach (VsiFilterEntry entry in association.Filter)
                {
                    vids.Add(entry.Vid);
                    bindings.Add(new VsiBinding(association.VsiId, entry.Mac, entry.Vid));   // a zero MAC (VID-only filter) admits the whole VLAN
                    if (entry.Mac.IsZero || type is null)
                    {
                        continue;
                    }
                    vmAcls.RemoveAll(binding => binding.Port == evb.Port && binding.Mac == entry.Mac && EffectiveVid(binding.Vid, port) == entry.Vid);
                    vmPolicers.RemoveAll(binding => binding.Port == evb.Port && binding.Mac == entry.Mac && EffectiveVid(binding.Vid, port) == entry.Vid);
                    if (type.Acl is string acl)
                    {
                        vmAcls.Add(new VmAclBinding(evb.Port, entry.Mac, acl, entry.Vid));
                    }
                    if (type.Meter is string meter)
                    {
                        vmPolicers.Add(new VmPolicerBinding(evb.Port, entry.Mac, meter, entry.Vid));
                    }
                }
            }
            ports[index] = port with
            {
                Hairpin = evb.Hairpin switch
                {
                    HairpinMode.On => true,
                    HairpinMode.Off => false,
                    _ => negotiatedRelay.Contains(evb.Port),
                },
                Vlans = WithTaggedMembers(port.Vlans, vids),
                Vsi = new VsiAdmission { Enforced = true, Bindings = bindings },
            };
        }
        return bridge with { Ports = ports, VmAcls = vmAcls, VmPolicers = vmPolicers };
    }

    private static int EffectiveVid(int vid, PortConfig port) => vid == 0 ? port.Vlans.Pvid : vid;

    /// <summary>The port's VLANs plus <paramref name="vids"/>, tagged unless the port already carries them.</summary>
    private static PortVlans WithTaggedMembers(PortVlans vlans, IEnumerable<int> vids)
    {
        int[] added = [.. vids.Where(vid => !vlans.Members.Contains(vid))];
        return added.Length == 0 ? vlans : vlans with { Members = new VlanSet(vlans.Members.Vids.Concat(added)) };
    }
}
