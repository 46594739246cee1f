// What a port's LLDP agent knows of the one neighbour on its link: its identity, where its PDUs come
// from, how long the information lasts, and the EVB TLV it last sent. Replaced whole on every PDU.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <param name="Source">The Ethernet source of its last PDU.</param>
/// <param name="TtlSeconds">The TTL of its last PDU.</param>
/// <param name="ExpiresAt">When the information ages out unless refreshed (same clock as the agent's <c>now</c>).</param>
/// <param name="Evb">The EVB TLV of its last PDU; null if that PDU had none.</param>
public sealed record LldpNeighbor(LldpId Chassis, LldpId Port, MacAddress Source, int TtlSeconds, TimeSpan ExpiresAt, EvbTlv? Evb)
{
    public TimeSpan TimeLeft(TimeSpan now) => ExpiresAt > now ? ExpiresAt - now : TimeSpan.Zero;

    public bool IsSameNeighbor(LldpPdu pdu) => Chassis.Equals(pdu.Chassis) && Port.Equals(pdu.Port);
}
