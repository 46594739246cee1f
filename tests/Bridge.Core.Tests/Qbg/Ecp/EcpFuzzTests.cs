// Seeded fuzzing of the ECP layer: garbage and mutated payloads of the real capture, fed to EcpReader
// and to an endpoint that is also sending, ticking and resetting. Nothing may throw, every payload is
// counted exactly once, every refusal as malformed, and every well-formed VDP request is ACKed.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Qbg.Ecp;

public class EcpFuzzTests
{
    private const int Cases = 24_000;
    private const int MaxPayloadSize = 120;

    [Theory]
    [InlineData(20_121_001)]
    [InlineData(43)]
    public void EndpointNeverThrowsAndCountsEveryPayloadOnce(int seed)
    {
        var random = new Random(seed);
        var seeds = ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp).Select(Payload).ToArray();
        var endpoint = new EcpEndpoint(queueCapacity: 8);
        var buffer = new byte[MaxPayloadSize];
        var checks = new int[4];
        var now = TimeSpan.FromSeconds(1);
        var transmit = new List<byte[]>();
        var delivered = new List<byte[]>();
        var givenUp = new List<byte[]>();

        for (int i = 0; i < Cases; i++)
        {
            int size = i % 3 == 0 ? Garbage(random, buffer) : Mutated(random, seeds, buffer);
            ReadOnlySpan<byte> payload = buffer.AsSpan(0, size);
            var reader = new EcpReader(payload);
            checks[(int)reader.Check]++;
            bool vdpRequest = reader.IsValid && reader.Header.Subtype == EcpSubtype.Vdp && reader.Header.Operation == EcpOperation.Request;
            long malformedBefore = endpoint.Counters.RxMalformed;
            long acksBefore = endpoint.Counters.TxAcks;
            transmit.Clear();

            byte[] copy = payload.ToArray();
            var thrown = Record.Exception(() => endpoint.Receive(copy, now, transmit, delivered));
            if (thrown is not null)
            {
                Assert.Fail($"seed {seed}, case {i}: {Convert.ToHexString(copy)} threw {thrown}");
            }
            Assert.Equal(reader.IsValid ? 0 : 1, endpoint.Counters.RxMalformed - malformedBefore);
            Assert.Equal(vdpRequest ? 1 : 0, endpoint.Counters.TxAcks - acksBefore);
            if (vdpRequest)
            {
                byte[] ack = EcpHeader.Ack(EcpSubtype.Vdp, reader.Header.Sequence);
                Assert.Contains(transmit, sent => sent.AsSpan().SequenceEqual(ack));
            }

            // Meanwhile the endpoint's own side runs: PDUs queue, time passes, the link sometimes goes.
            switch (random.Next(8))
            {
                case 0:
                    endpoint.Enqueue(copy.Length <= EcpHeader.MaxBodySize ? copy : []);
                    break;
                case 1:
                    now += TimeSpan.FromTicks(random.Next(1, 200_000));
                    endpoint.Tick(now, transmit, givenUp);
                    break;
                case 2 when random.Next(50) == 0:
                    endpoint.Reset();
                    break;
                case 3 when random.Next(20) == 0:
                    endpoint.SetTimers(random.Next(8), random.Next(13));
                    break;
            }
            Assert.True(endpoint.NextDeadline == TimeSpan.MaxValue || endpoint.OutstandingSequence is not null || endpoint.QueuedCount > 0);
        }

        EcpCounters counters = endpoint.Counters;
        Assert.Equal(Cases, counters.RxRequests + counters.RxAcks + counters.RxMalformed + counters.RxUnknownSubtype);
        Assert.Equal(checks[(int)EcpCheck.Truncated] + checks[(int)EcpCheck.BadVersion] + checks[(int)EcpCheck.BadOperation], counters.RxMalformed);
        Assert.Equal(counters.RxRequests - counters.RxDuplicates, delivered.Count);
        // The mix must reach every verdict, or this fuzzes only the first byte.
        Assert.All(checks, count => Assert.True(count > Cases / 200, $"seed {seed}: verdicts {string.Join(',', checks)}"));
        Assert.True(counters.RxRequests > Cases / 10 && counters.RxAcks > Cases / 20 && counters.RxUnknownSubtype > 0, $"seed {seed}: requests {counters.RxRequests}, acks {counters.RxAcks}");
        Assert.True(counters.TxRequests > 0 && counters.TxRetransmissions > 0 && counters.TxGivenUp > 0);
    }

    [Fact]
    public void ReaderNeverThrowsOnAnyPrefixOfACapturedPayload()
    {
        foreach (byte[] payload in ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp).Select(Payload))
        {
            for (int size = 0; size <= payload.Length; size++)
            {
                var reader = new EcpReader(payload.AsSpan(0, size));
                Assert.Equal(size >= EcpHeader.Size, reader.IsValid);
                Assert.True(reader.Body.Length <= Math.Max(0, size - EcpHeader.Size));
            }
        }
    }

    private static byte[] Payload(byte[] frame)
    {
        Assert.True(ControlFrame.TryRead(frame, out _, out _, out ReadOnlySpan<byte> payload));
        return payload.ToArray();
    }

    private static int Garbage(Random random, byte[] buffer)
    {
        int size = random.Next(MaxPayloadSize + 1);
        random.NextBytes(buffer.AsSpan(0, size));
        return size;
    }

    // A captured payload with 1..3 bytes changed (mostly in the header), then sometimes cut or padded.
    private static int Mutated(Random random, byte[][] seeds, byte[] buffer)
    {
        byte[] seed = seeds[random.Next(seeds.Length)];
        seed.CopyTo(buffer, 0);
        int flips = random.Next(1, 4);
        for (int f = 0; f < flips; f++)
        {
            int at = random.Next(2) == 0 ? random.Next(EcpHeader.Size) : random.Next(seed.Length);
            buffer[at] ^= (byte)random.Next(1, 256);
        }
        int size = random.Next(4) switch
        {
            0 => random.Next(seed.Length + 1),
            1 => random.Next(seed.Length, MaxPayloadSize + 1),
            _ => seed.Length,
        };
        if (size > seed.Length)
        {
            buffer.AsSpan(seed.Length, size - seed.Length).Clear();   // Ethernet padding
        }
        return size;
    }
}
