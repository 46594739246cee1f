// Where an ERSPAN session's copies go and how they are wrapped: the collector's addresses, the source
// address the bridge sends from, and the ERSPAN version and session id the collector sorts them by
// (NX-OS `monitor session N type erspan-source`: `erspan-id`, `ip ttl`, `ip dscp`, `destination ip`).
// The bridge has no IP stack of its own, so the collector's (or its next hop's) MAC is configured.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Mirroring;

public enum ErspanVersion : byte
{
    /// <summary>ERSPAN type II: GRE protocol 0x88BE, an 8-byte header with the source port index.</summary>
    TypeII = 2,
    /// <summary>ERSPAN type III: GRE protocol 0x22EB, a 12-byte header with a timestamp and the direction.</summary>
    TypeIII = 3,
}

/// <param name="SessionId">ERSPAN session id, 0..1023 (the collector's key).</param>
/// <param name="SourceIp">IPv4 source address, network order as a number (192.0.2.1 = 0xC0000201).</param>
/// <param name="CollectorIp">IPv4 destination address, the same way.</param>
public sealed record ErspanTunnel(ErspanVersion Version, int SessionId, MacAddress SourceMac, MacAddress CollectorMac, uint SourceIp, uint CollectorIp)
{
    public const int MaxSessionId = 1023;

    public byte Ttl { get; init; } = 64;

    /// <summary>DSCP of the outer IPv4 header, 0..63.</summary>
    public byte Dscp { get; init; }

    /// <summary>Largest outer IPv4 packet sent (NX-OS `mtu` of an ERSPAN session): longer copies are cut, with the T bit set.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Type III's hardware id (6 bits), telling one bridge's copies from another's at a collector.</summary>
    public byte HardwareId { get; init; }

    /// <summary>Outer Ethernet, IPv4 and GRE (with sequence number) and the ERSPAN header, in bytes.</summary>
    public int HeaderSize => ErspanEncapsulation.HeaderSize(Version);

    /// <summary>Problems with these values, worded for the operator; empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (SessionId is < 0 or > MaxSessionId)
        {
            yield return $"erspan id {SessionId} is not 0..{MaxSessionId}";
        }
        if (Dscp > 63)
        {
            yield return $"dscp {Dscp} is not 0..63";
        }
        if (Ttl == 0)
        {
            yield return "ttl 0 would never reach the collector";
        }
        if (Mtu < HeaderSize - ErspanEncapsulation.EthernetSize + 64 || Mtu > 9216)
        {
            yield return $"mtu {Mtu} is not {HeaderSize - ErspanEncapsulation.EthernetSize + 64}..9216";
        }
        if (HardwareId > 63)
        {
            yield return $"hardware id {HardwareId} is not 0..63";
        }
        if (CollectorMac.IsGroup || CollectorMac.IsZero)
        {
            yield return $"collector mac {CollectorMac} is not a unicast address";
        }
    }
}
