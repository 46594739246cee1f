// One LLDPDU as the agent sees it: the three mandatory TLVs, the EVB TLV if there was one, and how
// many other TLVs it skipped. LldpCodec reads and writes it.
namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <param name="TtlSeconds">How long the receiver keeps this information (0..65535; 0 = shutdown: forget me now).</param>
/// <param name="Evb">The ratified EVB TLV, if the PDU carried one.</param>
public sealed record LldpPdu(LldpId Chassis, LldpId Port, int TtlSeconds, EvbTlv? Evb = null)
{
    /// <summary>TLVs read but not used (other organizational TLVs, including the draft EVB TLV of OUI 00-1B-3F, system name ...).</summary>
    public int UnknownTlvCount { get; init; }
}
