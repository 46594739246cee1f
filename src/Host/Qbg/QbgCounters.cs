// An `evb:` port's protocol machines' counters in the shape `stats` prints and the metrics export
// (QbgPortStats): one reading of the LLDP agent, the ECP endpoint and the VDP bridge machine.
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Management;

namespace Hairpin.Host.Qbg;

internal static class QbgCounters
{
    /// <param name="associated">The port's associated VSIs, as last published.</param>
    public static QbgPortStats Of(EvbBridgePort port, int associated)
    {
        LldpAgent lldp = port.Link.Lldp;
        EcpCounters ecp = port.Link.Ecp.Counters;
        VdpBridgeCounters vdp = port.Vdp.Counters;
        return new QbgPortStats(
            new LldpStats(lldp.TxFrames, lldp.RxFrames, lldp.RxDiscarded, lldp.RxUnknownTlvs, lldp.AgeOuts),
            new EcpStats(ecp.TxRequests, ecp.TxAcks, ecp.TxRetransmissions, ecp.TxGivenUp, ecp.RxRequests, ecp.RxAcks, ecp.RxDuplicates,
                ecp.RxUnexpectedAcks, ecp.RxMalformed, ecp.RxUnknownSubtype, ecp.QueueOverflows),
            new VdpStats(vdp.Received, vdp.Accepted, vdp.KeepAlives, vdp.Refused, vdp.Deassociated, vdp.Expired, vdp.Malformed,
                vdp.MissingManagerId, vdp.AnswersIgnored, associated, vdp.Deferred, vdp.Replayed, vdp.Restored));
    }
}
