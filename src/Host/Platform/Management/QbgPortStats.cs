// What `stats` counts of an `evb:` port's 802.1Qbg control plane: LLDP (which carries the EVB TLV),
// ECP (VDP's reliable transport) and VDP (the station's VSI requests), as the port's machines count
// them. Null on a port without `evb:`. Plain values, so the station role can fill the same shape.
namespace Hairpin.Host.Management;

public sealed record QbgPortStats(LldpStats Lldp, EcpStats Ecp, VdpStats Vdp);

/// <param name="Tx">LLDPDUs sent, the shutdown PDU included.</param>
/// <param name="Rx">LLDPDUs received, malformed ones included.</param>
/// <param name="Discarded">Malformed LLDPDUs, refused whole.</param>
/// <param name="UnknownTlvs">TLVs skipped in accepted LLDPDUs (all but the ratified EVB TLV and the mandatory ones).</param>
/// <param name="AgeOuts">Times the neighbour was forgotten because its TTL ran out.</param>
public sealed record LldpStats(long Tx, long Rx, long Discarded, long UnknownTlvs, long AgeOuts);

/// <param name="TxRequests">VDPDUs sent for the first time (each with a new sequence number).</param>
/// <param name="Retransmissions">Resends of an unacknowledged request, same sequence number.</param>
/// <param name="GivenUp">Requests abandoned after the last resend went unacknowledged.</param>
/// <param name="RxRequests">Requests received, duplicates included.</param>
/// <param name="Duplicates">Requests repeating the sequence number last delivered: acknowledged, not delivered again.</param>
/// <param name="UnexpectedAcks">Acknowledgements of nothing in flight or of another sequence number.</param>
/// <param name="Malformed">ECP PDUs refused (short, version other than 1, reserved operation).</param>
/// <param name="UnknownSubtype">Well-formed PDUs of a subtype other than VDP: ignored.</param>
/// <param name="QueueOverflows">VDPDUs refused because the send queue was full.</param>
public sealed record EcpStats(
    long TxRequests,
    long TxAcks,
    long Retransmissions,
    long GivenUp,
    long RxRequests,
    long RxAcks,
    long Duplicates,
    long UnexpectedAcks,
    long Malformed,
    long UnknownSubtype,
    long QueueOverflows);

/// <summary>
/// The bridge's VDP machine: every VSI TLV of a request is answered, and counted once as accepted,
/// keep-alive, refused or de-associated; a VDPDU dropped unanswered is malformed or lacks a Manager ID.
/// </summary>
/// <param name="Received">VDPDUs ECP delivered, whether well-formed or not.</param>
/// <param name="Accepted">Requests that associated, pre-associated or changed a VSI.</param>
/// <param name="KeepAlives">Requests that repeated a VSI's association and refreshed it.</param>
/// <param name="Refused">Requests answered with an error status.</param>
/// <param name="Deassociated">De-Associate requests that removed a VSI.</param>
/// <param name="Expired">VSIs removed because no keep-alive came within the window.</param>
/// <param name="Malformed">VDPDUs that could not be read: dropped unanswered.</param>
/// <param name="MissingManagerId">VDPDUs without a Manager ID TLV first: dropped unanswered, as lldpad does.</param>
/// <param name="AnswersIgnored">VSI TLVs with the response bit set (a bridge answers requests, not answers).</param>
/// <param name="Associated">VSIs associated on the port now (their MACs admitted).</param>
/// <param name="Deferred">Requests left unanswered while the VSI store settled a claim (answered when it did).</param>
/// <param name="Replayed">Deferred requests answered once their claim settled.</param>
/// <param name="Restored">VSIs held again at start, from the VSI store.</param>
public sealed record VdpStats(
    long Received,
    long Accepted,
    long KeepAlives,
    long Refused,
    long Deassociated,
    long Expired,
    long Malformed,
    long MissingManagerId,
    long AnswersIgnored,
    int Associated,
    long Deferred,
    long Replayed,
    long Restored);
