// The control plane's state in the words `lldp neighbors` and `vsi show` print (lldptool's and
// vdptool's where they have one), shared by the bridge role and the dumb vswitch's station role.
using Hairpin.Bridge.Core.Counters;
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

    /// <summary>`bridge:rrcap,rrctr`, `station:rrreq,rrstat=enabled`, the timers as exponents (lldptool -V evb's words).</summary>
    public static EvbTlvInfo Tlv(EvbTlv tlv)
    {
        string bridge = string.Join(',', new[] { (tlv.Bgid, "bgid"), (tlv.Rrcap, "rrcap"), (tlv.Rrctr, "rrctr") }.Where(f => f.Item1).Select(f => f.Item2));
        string station = string.Join(',', new[] { (tlv.Sgid, "sgid"), (tlv.Rrreq, "rrreq") }.Where(f => f.Item1).Select(f => f.Item2)
            .Append($"rrstat={KebabNames.Of(tlv.Rrstat)}"));
        return new EvbTlvInfo($"bridge:{bridge}", $"station:{station}", tlv.R, tlv.Rte, KebabNames.Of(tlv.Mode), tlv.Rwd, tlv.Rka);
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
