// EcpEndpoint on a manual clock: exactly-once in-order delivery, the ack timer to the tick, giving up,
// sequence wrap, timer changes from EVB, reset, and replay of the captured lldpad exchange.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Qbg.Ecp;

public class EcpEndpointTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);
    private static readonly TimeSpan DefaultAckTimeout = TimeSpan.FromMicroseconds(2560);
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    [Fact]
    public void BackToBackEndpointsDeliverEveryPduOnceAndInOrderBothWays()
    {
        var station = new EcpEndpoint();
        var bridge = new EcpEndpoint();
        var fromStation = Pdus(40, tag: 0x11);
        var fromBridge = Pdus(40, tag: 0x22);
        foreach (byte[] pdu in fromStation)
        {
            Assert.True(station.Enqueue(pdu));
        }
        foreach (byte[] pdu in fromBridge)
        {
            Assert.True(bridge.Enqueue(pdu));
        }

        var link = new EcpLink(station, bridge);
        link.RunUntilIdle();

        AssertDeliveredInOrder(fromStation, link.BridgeDelivered);
        AssertDeliveredInOrder(fromBridge, link.StationDelivered);
        Assert.Equal(40, station.Counters.TxRequests);
        Assert.Equal(40, bridge.Counters.TxAcks);
        Assert.Equal(40, station.Counters.RxAcks);
        Assert.Equal(0, station.Counters.TxRetransmissions + bridge.Counters.TxRetransmissions);
        Assert.Equal(0, station.Counters.RxUnexpectedAcks + bridge.Counters.RxUnexpectedAcks);
        Assert.Equal(TimeSpan.MaxValue, station.NextDeadline);
    }

    [Fact]
    public void LossyLinkNeverDeliversTwiceNorOutOfOrder()
    {
        var random = new Random(8021);
        var station = new EcpEndpoint();
        var bridge = new EcpEndpoint();
        station.SetTimers(maxRetries: 7, rteExponent: 8);
        var sent = Pdus(200, tag: 0x33);
        foreach (byte[] pdu in sent)
        {
            Assert.True(station.Enqueue(pdu));
        }

        var link = new EcpLink(station, bridge, lose: () => random.Next(4) == 0);
        link.RunUntilIdle();

        // A given-up PDU may still have arrived (only its ACKs were lost); every other one arrived once.
        Assert.True(link.FramesLost > 50, $"only {link.FramesLost} frames lost");
        Assert.True(station.Counters.TxRetransmissions > 50);
        var givenUp = link.StationGivenUp.ToHashSet();
        var delivered = link.BridgeDelivered.Select(d => sent.FindIndex(s => d.Length >= s.Length && d.AsSpan(0, s.Length).SequenceEqual(s))).ToList();
        Assert.DoesNotContain(-1, delivered);
        Assert.Equal(delivered.Distinct().Count(), delivered.Count);
        Assert.Equal(delivered.Order(), delivered);
        Assert.Equal(Enumerable.Range(0, sent.Count).Where(i => !givenUp.Contains(sent[i])), delivered.Where(i => !givenUp.Contains(sent[i])));
        Assert.Equal(bridge.Counters.RxRequests - bridge.Counters.RxDuplicates, delivered.Count);
    }

    [Fact]
    public void LostAckBringsTheSameRequestBackAfterExactlyTheAckTimeoutAndItIsDeliveredOnce()
    {
        var station = new EcpEndpoint();
        var bridge = new EcpEndpoint();
        byte[] pdu = [0x0A, 0x10, 1, 2, 3];
        station.Enqueue(pdu);

        var first = Tick(station, T0);
        byte[] request = Assert.Single(first);
        Assert.Equal(new EcpHeader(EcpOperation.Request, EcpSubtype.Vdp, 1), new EcpReader(request).Header);
        Assert.Equal(T0 + DefaultAckTimeout, station.NextDeadline);

        var delivered = new List<byte[]>();
        var acks = new List<byte[]>();
        bridge.Receive(request, T0, acks, delivered);   // its ACK is lost

        Assert.Empty(Tick(station, T0 + DefaultAckTimeout - OneTick));
        byte[] again = Assert.Single(Tick(station, T0 + DefaultAckTimeout));
        Assert.Equal(request, again);
        Assert.Equal(1, station.Counters.TxRetransmissions);

        bridge.Receive(again, T0 + DefaultAckTimeout, acks, delivered);
        Assert.Equal(pdu, Assert.Single(delivered));
        Assert.Equal(2, acks.Count);
        Assert.All(acks, ack => Assert.Equal(EcpHeader.Ack(EcpSubtype.Vdp, 1), ack));
        Assert.Equal(2, bridge.Counters.RxRequests);
        Assert.Equal(1, bridge.Counters.RxDuplicates);
        Assert.Equal(2, bridge.Counters.TxAcks);

        station.Receive(acks[1], T0 + DefaultAckTimeout, [], []);
        Assert.Null(station.OutstandingSequence);
        Assert.Equal(TimeSpan.MaxValue, station.NextDeadline);
        Assert.Equal(1, station.Counters.RxAcks);
    }

    [Fact]
    public void RequestIsGivenUpOneTimeoutAfterItsLastRetransmissionAndTheNextOneGoes()
    {
        var station = new EcpEndpoint();   // R 3
        byte[] first = [0x0A, 0x10, 1];
        byte[] second = [0x0A, 0x10, 2];
        station.Enqueue(first);
        station.Enqueue(second);
        Tick(station, T0);

        var givenUp = new List<byte[]>();
        for (int retry = 1; retry <= 3; retry++)
        {
            var transmit = Tick(station, T0 + (retry * DefaultAckTimeout), givenUp);
            Assert.Equal((ushort)1, new EcpReader(Assert.Single(transmit)).Header.Sequence);
        }
        Assert.Empty(Tick(station, T0 + (4 * DefaultAckTimeout) - OneTick, givenUp));
        Assert.Empty(givenUp);

        var next = Tick(station, T0 + (4 * DefaultAckTimeout), givenUp);
        Assert.Same(first, Assert.Single(givenUp));
        Assert.Equal(1, station.Counters.TxGivenUp);
        Assert.Equal(3, station.Counters.TxRetransmissions);
        var reader = new EcpReader(Assert.Single(next));
        Assert.Equal((ushort)2, reader.Header.Sequence);
        Assert.Equal(second, reader.Body.ToArray());

        // An ACK of the abandoned request, arriving late, is counted and changes nothing.
        station.Receive(EcpHeader.Ack(EcpSubtype.Vdp, 1), T0 + (4 * DefaultAckTimeout), [], []);
        Assert.Equal(1, station.Counters.RxUnexpectedAcks);
        Assert.Equal((ushort)2, station.OutstandingSequence);
    }

    [Fact]
    public void SequenceWrapsFrom65535ToOneSkippingZero()
    {
        var station = new EcpEndpoint(firstSequence: 65534);
        for (int i = 0; i < 4; i++)
        {
            station.Enqueue([0x0A, 0x10]);
        }
        var sequences = new List<ushort>();
        var transmit = Tick(station, T0);
        while (transmit.Count > 0)
        {
            ushort sequence = new EcpReader(Assert.Single(transmit)).Header.Sequence;
            sequences.Add(sequence);
            transmit.Clear();
            station.Receive(EcpHeader.Ack(EcpSubtype.Vdp, sequence), T0, transmit, []);   // lets the next one go
        }
        Assert.Equal(new ushort[] { 65534, 65535, 1, 2 }, sequences);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EcpEndpoint(firstSequence: 0));
    }

    [Fact]
    public void SetTimersChangesTheAckTimeoutAndTheRetriesAllowed()
    {
        Assert.Equal(DefaultAckTimeout, EcpEndpoint.AckTimeoutFor(8));
        Assert.Equal(TimeSpan.FromMicroseconds(10), EcpEndpoint.AckTimeoutFor(0));
        Assert.Equal(TimeSpan.FromMicroseconds(10L << 31), EcpEndpoint.AckTimeoutFor(31));

        var station = new EcpEndpoint();
        station.SetTimers(maxRetries: 1, rteExponent: 10);
        TimeSpan timeout = TimeSpan.FromMicroseconds(10_240);
        Assert.Equal(timeout, station.AckTimeout);
        station.Enqueue([0x0A, 0x10]);
        Tick(station, T0);
        Assert.Equal(T0 + timeout, station.NextDeadline);

        Assert.Empty(Tick(station, T0 + DefaultAckTimeout));
        Assert.Single(Tick(station, T0 + timeout));
        var givenUp = new List<byte[]>();
        Assert.Empty(Tick(station, T0 + (2 * timeout) - OneTick, givenUp));
        Assert.Empty(Tick(station, T0 + (2 * timeout), givenUp));
        Assert.Single(givenUp);
        Assert.Equal(1, station.Counters.TxRetransmissions);

        Assert.Throws<ArgumentOutOfRangeException>(() => station.SetTimers(8, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => station.SetTimers(3, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => station.SetTimers(-1, 8));
    }

    [Fact]
    public void NewAckTimeoutTakesEffectFromTheNextTransmission()
    {
        var station = new EcpEndpoint();
        station.Enqueue([0x0A, 0x10]);
        Tick(station, T0);
        station.SetTimers(maxRetries: 3, rteExponent: 9);
        Assert.Equal(T0 + DefaultAckTimeout, station.NextDeadline);
        Assert.Single(Tick(station, T0 + DefaultAckTimeout));
        Assert.Equal(T0 + DefaultAckTimeout + (2 * DefaultAckTimeout), station.NextDeadline);
    }

    [Fact]
    public void ResetDropsWhatWaitsForgetsTheLastDeliveredAndKeepsNumbering()
    {
        var station = new EcpEndpoint();
        var bridge = new EcpEndpoint();
        station.Enqueue([0x0A, 0x10, 1]);
        station.Enqueue([0x0A, 0x10, 2]);
        byte[] request = Assert.Single(Tick(station, T0));
        var delivered = new List<byte[]>();
        bridge.Receive(request, T0, [], delivered);

        station.Reset();
        bridge.Reset();
        Assert.Null(station.OutstandingSequence);
        Assert.Equal(0, station.QueuedCount);
        Assert.Equal(TimeSpan.MaxValue, station.NextDeadline);
        Assert.Empty(Tick(station, T0 + (10 * DefaultAckTimeout)));
        Assert.Equal(0, station.Counters.TxGivenUp);

        // The peer may restart its numbering: the same sequence number is new after a reset.
        bridge.Receive(request, T0, [], delivered);
        Assert.Equal(2, delivered.Count);
        Assert.Equal(0, bridge.Counters.RxDuplicates);

        station.Enqueue([0x0A, 0x10, 3]);
        Assert.Equal((ushort)2, new EcpReader(Assert.Single(Tick(station, T0))).Header.Sequence);
    }

    [Fact]
    public void AckOfAnotherSequenceIsCountedAndTheRequestStaysOutstanding()
    {
        var station = new EcpEndpoint();
        station.Enqueue([0x0A, 0x10]);
        Tick(station, T0);
        station.Receive(EcpHeader.Ack(EcpSubtype.Vdp, 2), T0, [], []);
        station.Receive(EcpHeader.Ack(EcpSubtype.Vdp, 0), T0, [], []);
        Assert.Equal((ushort)1, station.OutstandingSequence);
        Assert.Equal(2, station.Counters.RxAcks);
        Assert.Equal(2, station.Counters.RxUnexpectedAcks);

        var idle = new EcpEndpoint();
        idle.Receive(EcpHeader.Ack(EcpSubtype.Vdp, 1), T0, [], []);
        Assert.Equal(1, idle.Counters.RxUnexpectedAcks);
    }

    [Fact]
    public void PayloadOfAnotherSubtypeIsCountedAndNeitherAckedNorDelivered()
    {
        var bridge = new EcpEndpoint();
        bridge.Enqueue([0x0A, 0x10]);
        Tick(bridge, T0);
        var transmit = new List<byte[]>();
        var delivered = new List<byte[]>();
        bridge.Receive(EcpHeader.Request(EcpSubtype.Pecsp, 5, [1, 2]), T0, transmit, delivered);
        bridge.Receive(EcpHeader.Request((EcpSubtype)999, 6, [1, 2]), T0, transmit, delivered);
        bridge.Receive(EcpHeader.Ack(EcpSubtype.Pecsp, 1), T0, transmit, delivered);

        Assert.Empty(transmit);
        Assert.Empty(delivered);
        Assert.Equal(3, bridge.Counters.RxUnknownSubtype);
        Assert.Equal(0, bridge.Counters.RxRequests + bridge.Counters.RxAcks);
        Assert.Equal((ushort)1, bridge.OutstandingSequence);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1401")]
    [InlineData("24010001")]
    [InlineData("1801000100")]
    [InlineData("1C010001")]
    public void MalformedPayloadIsCountedAndNeverAnswered(string hex)
    {
        var bridge = new EcpEndpoint();
        var transmit = new List<byte[]>();
        var delivered = new List<byte[]>();
        bridge.Receive(Convert.FromHexString(hex), T0, transmit, delivered);
        Assert.Empty(transmit);
        Assert.Empty(delivered);
        Assert.Equal(1, bridge.Counters.RxMalformed);
    }

    [Fact]
    public void FullQueueRefusesAndCounts()
    {
        var station = new EcpEndpoint(queueCapacity: 2);
        Assert.True(station.Enqueue([1]));
        Assert.True(station.Enqueue([2]));
        Assert.False(station.Enqueue([3]));
        Assert.Equal(1, station.Counters.QueueOverflows);
        Assert.Equal(2, station.QueuedCount);

        Tick(station, T0);   // one leaves the queue to go in flight
        Assert.True(station.Enqueue([4]));
        Assert.Equal((ushort)1, station.OutstandingSequence);
        Assert.Equal(2, station.QueuedCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => station.Enqueue(new byte[EcpHeader.MaxBodySize + 1]));
    }

    [Fact]
    public void QueuedPduIsDueAtOnceAndGoesWithTheNextTickOrReceive()
    {
        var station = new EcpEndpoint();
        Assert.Equal(TimeSpan.MaxValue, station.NextDeadline);
        station.Enqueue([0x0A, 0x10]);
        Assert.Equal(TimeSpan.Zero, station.NextDeadline);

        var transmit = new List<byte[]>();
        station.Receive(EcpHeader.Request(EcpSubtype.Vdp, 9, [0x0A, 0x10]), T0, transmit, []);
        Assert.Equal(2, transmit.Count);
        Assert.Equal(EcpOperation.Ack, new EcpReader(transmit[0]).Header.Operation);
        Assert.Equal(new EcpHeader(EcpOperation.Request, EcpSubtype.Vdp, 1), new EcpReader(transmit[1]).Header);
        Assert.Equal(T0 + DefaultAckTimeout, station.NextDeadline);
    }

    [Fact]
    public void AckOfTheRequestInFlightSendsTheNextQueuedAtOnce()
    {
        var station = new EcpEndpoint();
        station.Enqueue([0x0A, 0x10, 1]);
        station.Enqueue([0x0A, 0x10, 2]);
        Tick(station, T0);
        var transmit = new List<byte[]>();
        station.Receive(EcpHeader.Ack(EcpSubtype.Vdp, 1), T0 + OneTick, transmit, []);
        Assert.Equal(new EcpHeader(EcpOperation.Request, EcpSubtype.Vdp, 2), new EcpReader(Assert.Single(transmit)).Header);
        Assert.Equal(T0 + OneTick + DefaultAckTimeout, station.NextDeadline);
    }

    [Fact]
    public void WithRequestSpacingTheNextQueuedWaitsThatLongAfterThePreviousTransmissionSoLldpadsOneInputBufferHoldsEachInTurn()
    {
        TimeSpan spacing = EcpEndpoint.LldpadRequestSpacing;
        var bridge = new EcpEndpoint(requestSpacing: spacing);
        bridge.Enqueue([0x0A, 0x10, 1]);
        bridge.Enqueue([0x0A, 0x10, 2]);
        Tick(bridge, T0);
        var early = new List<byte[]>();
        bridge.Receive(EcpHeader.Ack(EcpSubtype.Vdp, 1), T0 + OneTick, early, []);
        Assert.Empty(early);
        Assert.Equal(T0 + spacing, bridge.NextDeadline);
        var stillEarly = new List<byte[]>();
        bridge.Tick(T0 + spacing - OneTick, stillEarly);
        Assert.Empty(stillEarly);

        var due = new List<byte[]>();
        bridge.Tick(T0 + spacing, due);

        Assert.Equal(new EcpHeader(EcpOperation.Request, EcpSubtype.Vdp, 2), new EcpReader(Assert.Single(due)).Header);
        Assert.Equal(T0 + spacing + DefaultAckTimeout, bridge.NextDeadline);
    }

    [Fact]
    public void EveryEvbLinkSpacesItsRequestsForLldpad() =>
        Assert.Equal(EcpEndpoint.LldpadRequestSpacing, new EvbLink(new MacAddress(0x020000000001), Hairpin.Bridge.Core.Qbg.Lldp.EvbMode.Bridge, new Hairpin.Bridge.Core.Qbg.Lldp.EvbSettings()).Ecp.RequestSpacing);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReplayedCaptureIsAckedAndDeliveredAsLldpadDid(bool asBridge)
    {
        // The peer's frames of the capture, handed to an endpoint in our role, must draw the very ACKs
        // the other lldpad sent (four for the station's lost-ACK seq 10), and each request is delivered
        // once: the peer's requests in order, a repeated sequence number collapsed.
        var endpoint = new EcpEndpoint();
        MacAddress self = asBridge ? new(0x0200_0000_B001UL) : new(0x0200_0000_5A01UL);
        var capturedAcks = new List<byte[]>();
        var expectedDelivered = new List<byte[]>();
        var acks = new List<byte[]>();
        var delivered = new List<byte[]>();
        int lastPeerSequence = -1;
        foreach (byte[] frame in ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp))
        {
            Assert.True(ControlFrame.TryRead(frame, out MacAddress source, out _, out ReadOnlySpan<byte> payload));
            var reader = new EcpReader(payload);
            if (source == self)
            {
                if (reader.Header.Operation == EcpOperation.Ack)
                {
                    capturedAcks.Add(payload.ToArray());
                }
                continue;
            }
            if (reader.Header.Operation == EcpOperation.Request && reader.Header.Sequence != lastPeerSequence)
            {
                expectedDelivered.Add(reader.Body.ToArray());
                lastPeerSequence = reader.Header.Sequence;
            }
            endpoint.Receive(payload, T0, acks, delivered);
        }

        Assert.Equal(capturedAcks, acks);
        Assert.Equal(expectedDelivered, delivered);
        Assert.Equal(asBridge ? 14 : 19, delivered.Count);
        Assert.Equal(asBridge ? 3 : 0, endpoint.Counters.RxDuplicates);
        Assert.Equal(asBridge ? 19 : 17, endpoint.Counters.RxUnexpectedAcks);   // the peer's ACKs of requests this endpoint never sent
    }

    private static List<byte[]> Tick(EcpEndpoint endpoint, TimeSpan now, List<byte[]>? givenUp = null)
    {
        var transmit = new List<byte[]>();
        endpoint.Tick(now, transmit, givenUp);
        return transmit;
    }

    // VDP-looking PDUs (a Manager ID header first) of 4 to 63 bytes, unique by tag and index (count <= 256):
    // short ones are padded on the way, long ones are not.
    private static List<byte[]> Pdus(int count, byte tag) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var pdu = new byte[4 + (i % 60)];
            pdu[0] = 0x0A;
            pdu[1] = 0x10;
            pdu[2] = tag;
            pdu[3] = (byte)i;
            return pdu;
        })];

    // A delivered body is the sent PDU followed by Ethernet padding (zeros) when the frame was short.
    private static void AssertDeliveredInOrder(List<byte[]> sent, List<byte[]> delivered)
    {
        Assert.Equal(sent.Count, delivered.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.True(delivered[i].AsSpan(0, sent[i].Length).SequenceEqual(sent[i]), $"PDU {i} differs");
            Assert.True(delivered[i].AsSpan(sent[i].Length).IndexOfAnyExcept((byte)0) < 0, $"PDU {i} has non-zero padding");
        }
    }
}
