// The control plane's state in the words `lldp neighbors` and `vsi show` print (lldptool's and
// vdptool's where they have one), shared by the bridge role and the dumb vswitch's station role.
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Management;

namespace Hairpin.Host.Qbg;

public static class EvbDescriptions
{
    public static LldpNeighborInfo Neighbor(string port, LldpNeighbor neighbor, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(neighbor);
        return new LldpNeighborInfo(port, neighbor.Source.ToString(), neighbor.Chassis.ToString(), neighbor.Port.ToString(),
            neighbor.TtlSeconds, (int)Math.Ceiling(neighbor.TimeLeft(now).TotalSeconds), neighbor.Evb is EvbTlv evb ? Tlv(evb) : null);
    }

    /// <summary>`bridge:rrcap,rrctr`, `station:rrreq,rrstat=enabled`, as lldptool -V evb prints them.</summary>
    public static EvbTlvInfo Tlv(EvbTlv tlv)
    {
        var bridge = new List<string>();
        if (tlv.Bgid)
        {
            bridge.Add("bgid");
        }
        if (tlv.Rrcap)
        {
            bridge.Add("rrcap");
        }
        if (tlv.Rrctr)
        {
            bridge.Add("rrctr");
        }
        var station = new List<string>();
        if (tlv.Sgid)
        {
            station.Add("sgid");
        }
        if (tlv.Rrreq)
        {
            station.Add("rrreq");
        }
        station.Add(tlv.Rrstat switch
        {
            ReflectiveRelayStatus.Enabled => "rrstat=enabled",
            ReflectiveRelayStatus.NotEnabled => "rrstat=off",
            _ => "rrstat=unknown",
        });
        string mode = tlv.Mode switch
        {
            EvbMode.Bridge => "bridge",
            EvbMode.Station => "station",
            _ => "none",
        };
        return new EvbTlvInfo("bridge:" + (bridge.Count == 0 ? "-" : string.Join(",", bridge)), "station:" + string.Join(",", station),
            tlv.R, tlv.Rte, mode, tlv.Rwd, tlv.Rka);
    }

    public static string Format(VsiIdFormat format) => format switch
    {
        VsiIdFormat.IPv4 => "ipv4",
        VsiIdFormat.IPv6 => "ipv6",
        VsiIdFormat.Mac => "mac",
        VsiIdFormat.Local => "local",
        VsiIdFormat.Uuid => "uuid",
        _ => $"format-{(int)format}",
    };

    public static IReadOnlyList<VsiFilterInfo> Filter(IEnumerable<VdpFilter> filters) =>
        [.. filters.Select(filter => new VsiFilterInfo(filter.Mac?.ToString(), filter.Vid))];
}
