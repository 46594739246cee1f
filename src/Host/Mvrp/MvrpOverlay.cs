// What MVRP adds to the configuration before it reaches the engine: each VID registered on an MVRP
// port joins that port's members, tagged (a trunk carries it while a neighbour declares it). Static
// members are the operator's and stay whatever MVRP hears; pure, as QbgOverlay, which it follows.
using Hairpin.Bridge.Core.Configuration;

namespace Hairpin.Host.Mvrp;

public static class MvrpOverlay
{
    public static BridgeConfig Apply(BridgeConfig bridge, MvrpState state)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Registered.Count == 0)
        {
            return bridge;
        }
        PortConfig[] ports = [.. bridge.Ports];
        for (int i = 0; i < ports.Length; i++)
        {
            int[] added = [.. state.On(ports[i].Name).Where(vid => !ports[i].Vlans.Members.Contains(vid))];
            if (added.Length > 0)
            {
                ports[i] = ports[i] with { Vlans = ports[i].Vlans with { Members = new VlanSet(ports[i].Vlans.Members.Vids.Concat(added)) } };
            }
        }
        return bridge with { Ports = ports };
    }
}
