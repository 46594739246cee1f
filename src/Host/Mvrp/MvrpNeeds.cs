// The VIDs this appliance declares on its MVRP ports for its own sake: those of the VSIs associated on
// its `evb:` ports now, and, when `mvrp: { declare_static: true }` asks, the VLANs statically configured
// on its ports that do not run MVRP (where its hosts are). What it propagates for its neighbours is
// MvrpBridge's business, not this.
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Mvrp;

internal static class MvrpNeeds
{
    public static SortedSet<int> Of(HostConfig config, IReadOnlyList<VsiAssociation> associations)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(associations);
        var vids = new SortedSet<int>(associations.SelectMany(association => association.Filter).Select(entry => entry.Vid).Where(vid => vid is >= 1 and <= 4094));
        if (config.Mvrp is { DeclareStatic: true } mvrp)
        {
            HashSet<string> running = [.. mvrp.Ports.Select(port => port.Port)];
            foreach (var port in config.Bridge.Ports.Where(port => !running.Contains(port.Name)))
            {
                vids.UnionWith(port.Vlans.Members.Vids);
            }
        }
        return vids;
    }
}
