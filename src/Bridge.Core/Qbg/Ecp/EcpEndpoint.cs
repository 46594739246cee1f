// One port's Edge Control Protocol for one upper layer (VDP), 802.1Qbg-2012 clause 43: stop-and-wait in
// each direction. Pure, as lldpad's qbg/ecp22.c is not: payloads and the time in; payloads to send, PDUs
// to deliver and the next deadline out. The owner of the socket wraps what it sends with ControlFrame.
namespace Hairpin.Bridge.Core.Qbg.Ecp;

/// <summary>
/// Transmit: upper-layer PDUs queue (bounded) and go one at a time, each under a new sequence number
/// (never 0), resent with the same number every ack timeout (10 us x 2^RTE) up to R times, then given
/// up; the next one leaves no sooner than <see cref="RequestSpacing"/> after the last transmission.
/// Receive: every request is acknowledged; it is delivered unless its sequence number is the one
/// delivered last. Not thread-safe: one owner calls every member.
/// </summary>
public sealed class EcpEndpoint
{
    /// <summary>lldpad's defaults until EVB negotiation sets the operational values.</summary>
    public const int DefaultMaxRetries = 3;
    public const int DefaultRteExponent = 8;
    public const int DefaultQueueCapacity = 256;
    /// <summary>R and RTE are 3- and 5-bit fields of the EVB TLV.</summary>
    public const int MaxRetriesLimit = 7;
    public const int RteExponentLimit = 31;
    /// <summary>
    /// lldpad hands what ECP delivered to VDP 2 ms later, from one buffer per port: a second request
    /// delivered within those 2 ms overwrites the first, whose VDP response is lost (its vdptool never
    /// hears an answer). A request leaves at least this long after the previous one went out: five
    /// times lldpad's delay, for a loaded host whose timers fire late; VDP's rate needs no more than
    /// a hundred PDUs a second per port.
    /// </summary>
    public static readonly TimeSpan LldpadRequestSpacing = TimeSpan.FromMilliseconds(10);

    private readonly Queue<byte[]> _queue = new();
    private readonly int _queueCapacity;
    private ushort _nextSequence;

    // The request in flight: the upper layer's PDU, the ECP payload that carries it, and its timer.
    private byte[]? _outstandingBody;
    private byte[] _outstandingPayload = [];
    private ushort _outstandingSequence;
    private int _retransmissions;
    private TimeSpan _ackDeadline;

    private TimeSpan? _lastTransmission;

    private bool _hasDelivered;
    private ushort _lastDelivered;

    /// <param name="subtype">The upper layer served; payloads of other subtypes are counted and ignored.</param>
    /// <param name="firstSequence">The first request's sequence number (1 to 65535).</param>
    /// <param name="queueCapacity">Upper-layer PDUs that may wait behind the one in flight.</param>
    /// <param name="requestSpacing">The least time between a request's last transmission and the next request (zero: none).</param>
    public EcpEndpoint(EcpSubtype subtype = EcpSubtype.Vdp, ushort firstSequence = 1, int queueCapacity = DefaultQueueCapacity, TimeSpan requestSpacing = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requestSpacing, TimeSpan.Zero);
        if ((ushort)subtype > EcpHeader.MaxSubtype)
        {
            throw new ArgumentOutOfRangeException(nameof(subtype), subtype, "An ECP subtype has 10 bits.");
        }
        ArgumentOutOfRangeException.ThrowIfZero(firstSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCapacity);
        Subtype = subtype;
        _nextSequence = firstSequence;
        _queueCapacity = queueCapacity;
        RequestSpacing = requestSpacing;
    }

    /// <summary>The least time between one request's last transmission and the next request.</summary>
    public TimeSpan RequestSpacing { get; }

    public EcpSubtype Subtype { get; }
    public EcpCounters Counters { get; } = new();

    /// <summary>R: retransmissions of a request before it is given up.</summary>
    public int MaxRetries { get; private set; } = DefaultMaxRetries;
    public int RteExponent { get; private set; } = DefaultRteExponent;
    public TimeSpan AckTimeout => AckTimeoutFor(RteExponent);

    /// <summary>Upper-layer PDUs waiting behind the one in flight.</summary>
    public int QueuedCount => _queue.Count;
    /// <summary>The sequence number of the request awaiting its ACK; null when none is.</summary>
    public ushort? OutstandingSequence => _outstandingBody is null ? null : _outstandingSequence;

    /// <summary>
    /// When Tick next has work: the ack timer of the request in flight; when PDUs wait and none is in
    /// flight, the end of the request spacing (<see cref="TimeSpan.Zero"/>, due at once, without one);
    /// <see cref="TimeSpan.MaxValue"/> when idle.
    /// </summary>
    public TimeSpan NextDeadline =>
        _outstandingBody is not null ? _ackDeadline
        : _queue.Count > 0 ? SpacingEnd
        : TimeSpan.MaxValue;

    private TimeSpan SpacingEnd => RequestSpacing > TimeSpan.Zero && _lastTransmission is TimeSpan last ? last + RequestSpacing : TimeSpan.Zero;

    /// <summary>10 us x 2^<paramref name="rteExponent"/>: 2.56 ms for the default 8.</summary>
    public static TimeSpan AckTimeoutFor(int rteExponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rteExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rteExponent, RteExponentLimit);
        return TimeSpan.FromTicks((TimeSpan.TicksPerMicrosecond * 10L) << rteExponent);
    }

    /// <summary>
    /// The operational R and RTE from EVB negotiation. R applies from the next timer expiry; the ack
    /// timeout from the next (re)transmission, as the running timer keeps its deadline.
    /// </summary>
    public void SetTimers(int maxRetries, int rteExponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRetries, MaxRetriesLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(rteExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rteExponent, RteExponentLimit);
        MaxRetries = maxRetries;
        RteExponent = rteExponent;
    }

    /// <summary>
    /// Queues an upper-layer PDU (VDP TLVs ending with End) to go out at the next Tick or Receive;
    /// <see cref="NextDeadline"/> then says it is due. The endpoint keeps the array: leave it unchanged.
    /// False, counted in QueueOverflows, when the queue is full.
    /// </summary>
    public bool Enqueue(byte[] upperLayerPdu)
    {
        ArgumentNullException.ThrowIfNull(upperLayerPdu);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(upperLayerPdu.Length, EcpHeader.MaxBodySize, nameof(upperLayerPdu));
        if (_queue.Count >= _queueCapacity)
        {
            Counters.QueueOverflows++;
            return false;
        }
        _queue.Enqueue(upperLayerPdu);
        return true;
    }

    /// <summary>
    /// Handles one ECP payload from the peer. A request adds its ACK to <paramref name="transmit"/> and,
    /// unless a duplicate, its body (padding included) to <paramref name="delivered"/>. An ACK of the
    /// request in flight completes it and lets the next queued one go, also into <paramref name="transmit"/>.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> ecpPayload, TimeSpan now, List<byte[]> transmit, List<byte[]> delivered)
    {
        ArgumentNullException.ThrowIfNull(transmit);
        ArgumentNullException.ThrowIfNull(delivered);
        var reader = new EcpReader(ecpPayload);
        if (!reader.IsValid)
        {
            Counters.RxMalformed++;
        }
        else if (reader.Header.Subtype != Subtype)
        {
            // Not acknowledged either: an endpoint of that subtype, if any, owns its sequence space.
            Counters.RxUnknownSubtype++;
        }
        else if (reader.Header.Operation == EcpOperation.Request)
        {
            ReceiveRequest(reader.Header.Sequence, reader.Body, transmit, delivered);
        }
        else
        {
            ReceiveAck(reader.Header.Sequence);
        }
        SendNextIfIdle(now, transmit);
    }

    /// <summary>
    /// Runs the ack timer: resends or gives up the request in flight when its deadline has come, and
    /// sends the next queued PDU when none is in flight. A given-up PDU (the array passed to Enqueue) is
    /// added to <paramref name="givenUp"/>, so that the upper layer can notice.
    /// </summary>
    public void Tick(TimeSpan now, List<byte[]> transmit, List<byte[]>? givenUp = null)
    {
        ArgumentNullException.ThrowIfNull(transmit);
        if (_outstandingBody is not null && now >= _ackDeadline)
        {
            if (_retransmissions < MaxRetries)
            {
                _retransmissions++;
                Counters.TxRetransmissions++;
                transmit.Add(_outstandingPayload);
                _lastTransmission = now;
                _ackDeadline = now + AckTimeout;
            }
            else
            {
                Counters.TxGivenUp++;
                givenUp?.Add(_outstandingBody);
                DropOutstanding();
            }
        }
        SendNextIfIdle(now, transmit);
    }

    /// <summary>
    /// The link or the neighbour went: the request in flight and the queue are dropped, and the next
    /// request from the peer is new whatever its number. Sequence numbers continue where they were, so
    /// that a peer which did not reset never mistakes our next request for a duplicate.
    /// </summary>
    public void Reset()
    {
        DropOutstanding();
        _queue.Clear();
        _hasDelivered = false;
        _lastDelivered = 0;
    }

    private void ReceiveRequest(ushort sequence, ReadOnlySpan<byte> body, List<byte[]> transmit, List<byte[]> delivered)
    {
        Counters.RxRequests++;
        if (_hasDelivered && sequence == _lastDelivered)
        {
            Counters.RxDuplicates++;   // our ACK was lost: acknowledge again, process once
        }
        else
        {
            _hasDelivered = true;
            _lastDelivered = sequence;
            delivered.Add(body.ToArray());
        }
        transmit.Add(EcpHeader.Ack(Subtype, sequence));
        Counters.TxAcks++;
    }

    private void ReceiveAck(ushort sequence)
    {
        Counters.RxAcks++;
        if (_outstandingBody is not null && sequence == _outstandingSequence)
        {
            DropOutstanding();
        }
        else
        {
            Counters.RxUnexpectedAcks++;   // late (after a give-up), stray, or for a request never sent
        }
    }

    private void SendNextIfIdle(TimeSpan now, List<byte[]> transmit)
    {
        if (_outstandingBody is not null || _queue.Count == 0 || now < SpacingEnd || !_queue.TryDequeue(out byte[]? body))
        {
            return;
        }
        _outstandingBody = body;
        _outstandingSequence = _nextSequence;
        _outstandingPayload = EcpHeader.Request(Subtype, _outstandingSequence, body);
        _nextSequence = _nextSequence == ushort.MaxValue ? (ushort)1 : (ushort)(_nextSequence + 1);
        _retransmissions = 0;
        _ackDeadline = now + AckTimeout;
        _lastTransmission = now;
        Counters.TxRequests++;
        transmit.Add(_outstandingPayload);
    }

    private void DropOutstanding()
    {
        _outstandingBody = null;
        _outstandingPayload = [];
    }
}
