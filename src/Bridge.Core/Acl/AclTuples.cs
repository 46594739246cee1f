// Turns one rule into the (value, mask) tuples tuple space search stores: exact fields set bits of
// the mask; a port range becomes the few aligned prefixes that cover it; `established` becomes two
// tuples (ACK set, RST set). Also says why a rule can never match.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Acl;

internal static class AclTuples
{
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Icmp = 1;
    private const byte Icmpv6 = 58;

    public static List<(FlowKey Value, FlowKey Mask)> Expand(AclMatch match, int ingressPort)
    {
        var value = default(FlowKey);
        var mask = default(FlowKey);
        void Exact(FlowField field, ulong fieldValue, ulong fieldMask = ulong.MaxValue)
        {
            field.Set(ref value, fieldValue & fieldMask);
            field.Set(ref mask, fieldMask);
        }
        if (ingressPort >= 0)
        {
            Exact(FlowFields.IngressPort, (ulong)ingressPort);
        }
        if (match.SourceMac is MacAddress source)
        {
            Exact(FlowFields.SourceMac, source.Value, match.SourceMacMask.Value);
        }
        if (match.DestinationMac is MacAddress destination)
        {
            Exact(FlowFields.DestinationMac, destination.Value, match.DestinationMacMask.Value);
        }
        Optional(match.EtherType, FlowFields.EtherType);
        Optional(match.Vid, FlowFields.Vid);
        Optional(match.Pcp, FlowFields.Pcp);
        Optional(match.ArpOpcode, FlowFields.ArpOpcode);
        Optional(match.Protocol, FlowFields.IpProtocol);
        Optional(match.Dscp, FlowFields.Dscp);
        Optional(match.IcmpType, FlowFields.IcmpType);
        Optional(match.IcmpCode, FlowFields.IcmpCode);
        if (match.TcpFlags is byte flags)
        {
            Exact(FlowFields.TcpFlags, flags, match.TcpFlagsMask);
        }
        Prefix(match.Source, FlowFields.SourceIpWord);
        Prefix(match.Destination, FlowFields.DestinationIpWord);

        var tuples = new List<(FlowKey, FlowKey)>();
        foreach ((ulong sv, ulong sm) in RangePrefixes(match.SourcePorts))
        {
            foreach ((ulong dv, ulong dm) in RangePrefixes(match.DestinationPorts))
            {
                foreach ((ulong fv, ulong fm) in match.Established ? [(TcpFlagsAck, TcpFlagsAck), (TcpFlagsRst, TcpFlagsRst)] : new[] { (0UL, 0UL) })
                {
                    FlowKey v = value, m = mask;
                    FlowFields.SourcePort.Set(ref v, sv);
                    FlowFields.SourcePort.Set(ref m, sm);
                    FlowFields.DestinationPort.Set(ref v, dv);
                    FlowFields.DestinationPort.Set(ref m, dm);
                    if (fm != 0)
                    {
                        FlowFields.TcpFlags.Set(ref v, fv);
                        FlowFields.TcpFlags.Set(ref m, fm);
                    }
                    tuples.Add((v, m));
                }
            }
        }
        return tuples;

        void Optional<T>(T? field, FlowField where)
            where T : struct, IConvertible
        {
            if (field is T present)
            {
                Exact(where, present.ToUInt64(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        void Prefix(IpPrefix? prefix, int word)
        {
            if (prefix is IpPrefix p)
            {
                FlowFields.SetAddress(ref value, word, p.Address & p.Mask);
                FlowFields.SetAddress(ref mask, word, p.Mask);
            }
        }
    }

    private const ulong TcpFlagsAck = Headers.TcpFlags.Ack;
    private const ulong TcpFlagsRst = Headers.TcpFlags.Rst;

    /// <summary>The aligned power-of-two blocks covering a range: at most 30 for 16-bit ports.</summary>
    private static IEnumerable<(ulong Value, ulong Mask)> RangePrefixes(PortRange? range)
    {
        if (range is not PortRange r)
        {
            yield return (0, 0);
            yield break;
        }
        uint first = r.First;
        uint last = r.Last;
        while (first <= last)
        {
            int size = 1;
            while ((first & (uint)((size << 1) - 1)) == 0 && first + (uint)(size << 1) - 1 <= last && size < 0x10000)
            {
                size <<= 1;
            }
            yield return (first, 0xFFFFUL & ~(ulong)(size - 1));
            first += (uint)size;
        }
    }

    /// <summary>Why a rule can never match, or null. Contradictions only; shadowing is found separately.</summary>
    public static string? Contradiction(AclMatch match)
    {
        bool l4Ports = match.SourcePorts is not null || match.DestinationPorts is not null;
        if (match.SourcePorts is PortRange s && s.First > s.Last || match.DestinationPorts is PortRange d && d.First > d.Last)
        {
            return "a port range runs backwards";
        }
        if (l4Ports && match.Protocol is byte p && p is not (Tcp or Udp))
        {
            return $"it matches L4 ports but protocol {p} is neither TCP nor UDP";
        }
        if ((match.TcpFlags is not null || match.Established) && match.Protocol is byte q && q != Tcp)
        {
            return $"it matches TCP flags but protocol {q} is not TCP";
        }
        if ((match.IcmpType is not null || match.IcmpCode is not null) && match.Protocol is byte r && r is not (Icmp or Icmpv6))
        {
            return $"it matches an ICMP type/code but protocol {r} is not ICMP";
        }
        bool? ipv4 = match.Source?.IsIpv4 ?? match.Destination?.IsIpv4;
        if (match.Source is IpPrefix src && match.Destination is IpPrefix dst && src.IsIpv4 != dst.IsIpv4)
        {
            return "its source and destination prefixes are of different IP versions";
        }
        if (ipv4 is bool isV4 && match.EtherType is ushort type && type != (isV4 ? EtherTypes.IPv4 : EtherTypes.IPv6) && type != EtherTypes.Arp)
        {
            return $"it matches an IPv{(isV4 ? 4 : 6)} prefix but EtherType 0x{type:x4}";
        }
        if (match.ArpOpcode is not null && match.EtherType is ushort arpType && arpType != EtherTypes.Arp)
        {
            return $"it matches an ARP opcode but EtherType 0x{arpType:x4}";
        }
        if (match.Vid is int vid && vid is < 1 or > 4094)
        {
            return $"VLAN {vid} is outside 1..4094";
        }
        return null;
    }
}
