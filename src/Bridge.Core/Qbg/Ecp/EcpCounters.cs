// What one ECP endpoint sent, received, retried and refused. Each payload handed to Receive adds to
// exactly one of RxRequests, RxAcks, RxMalformed and RxUnknownSubtype.
namespace Hairpin.Bridge.Core.Qbg.Ecp;

/// <summary>Counters of one <see cref="EcpEndpoint"/>, written only by its owner's thread.</summary>
public sealed class EcpCounters
{
    /// <summary>Upper-layer PDUs sent for the first time (each took a new sequence number).</summary>
    public long TxRequests { get; internal set; }
    /// <summary>Resends of an unacknowledged request, same sequence number.</summary>
    public long TxRetransmissions { get; internal set; }
    /// <summary>Requests abandoned after the last retransmission went unacknowledged.</summary>
    public long TxGivenUp { get; internal set; }
    public long TxAcks { get; internal set; }
    /// <summary>Well-formed requests of the endpoint's subtype, duplicates included.</summary>
    public long RxRequests { get; internal set; }
    /// <summary>Requests repeating the sequence number last delivered: acknowledged, not delivered again.</summary>
    public long RxDuplicates { get; internal set; }
    /// <summary>Well-formed acknowledgements of the endpoint's subtype, unexpected ones included.</summary>
    public long RxAcks { get; internal set; }
    /// <summary>Acknowledgements of nothing outstanding or of another sequence number: ignored.</summary>
    public long RxUnexpectedAcks { get; internal set; }
    /// <summary>Payloads EcpReader refused (short, version other than 1, reserved operation).</summary>
    public long RxMalformed { get; internal set; }
    /// <summary>Well-formed payloads of another subtype than the endpoint's: ignored, not acknowledged.</summary>
    public long RxUnknownSubtype { get; internal set; }
    /// <summary>Upper-layer PDUs refused by Enqueue because the queue was full.</summary>
    public long QueueOverflows { get; internal set; }
}
