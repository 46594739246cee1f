// Seeded fuzzing of LldpCodec and LldpAgent from the captures' LLDP payloads: bit flips, truncations,
// corrupted TLV headers, spliced TLVs and garbage never make them throw; every refusal is counted; what
// is accepted re-encodes to itself; relay always agrees with the neighbour's last EVB TLV.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Qbg.Lldp.LldpSamples;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class LldpFuzzTests
{
    private const int Cases = 24_000;
    private const int MaxPduSize = 600;

    [Theory]
    [InlineData(20_261_204)]
    [InlineData(8021)]
    public void MutatedCapturePdusNeverThrowAndEveryRefusalIsCounted(int seed)
    {
        var random = new Random(seed);
        byte[][] seeds = Seeds();
        LldpAgent bridge = BridgeAgent(), station = StationAgent();
        var reasons = new Dictionary<string, int>();
        int accepted = 0, refused = 0, withEvb = 0;
        TimeSpan now = TimeSpan.Zero;
        var sent = new List<byte[]>();

        for (int i = 0; i < Cases; i++)
        {
            byte[] pdu = Mutate(random, seeds);
            LldpAgent agent = i % 2 == 0 ? bridge : station;
            now += TimeSpan.FromMilliseconds(random.Next(1, 20_000));
            bool decoded = false;
            LldpPdu? read = null;
            string reason = "";
            Exception? thrown = Record.Exception(() =>
            {
                decoded = LldpCodec.TryDecode(pdu, out read, out reason);
                agent.Receive(pdu, StationMac, now);
                agent.Tick(now, sent);
            });
            if (thrown is not null)
            {
                Assert.Fail($"seed {seed}, case {i}: {Convert.ToHexStringLower(pdu)} threw {thrown}");
            }

            if (decoded)
            {
                accepted++;
                withEvb += read!.Evb is null ? 0 : 1;
                Assert.True(LldpCodec.TryDecode(LldpCodec.Encode(read), out LldpPdu? again, out _), $"seed {seed}, case {i}: re-encoding refused");
                Assert.Equal(read with { UnknownTlvCount = 0 }, again);
            }
            else
            {
                refused++;
                Assert.False(string.IsNullOrEmpty(reason), $"seed {seed}, case {i}: refused without a reason");
                Assert.Equal(reason, agent.LastDiscardReason);
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
            Assert.Equal(bridge.Neighbor?.Evb?.Rrreq == true, bridge.ReflectiveRelay);
            Assert.Equal(station.Neighbor?.Evb?.Rrctr == true, station.ReflectiveRelay);
        }

        Assert.Equal(Cases, bridge.RxFrames + station.RxFrames);
        Assert.Equal(refused, bridge.RxDiscarded + station.RxDiscarded);
        // Both halves must be exercised, and the deep checks reached, or this fuzzes only the first TLV.
        Assert.True(accepted > Cases / 5, $"seed {seed}: only {accepted} accepted");
        Assert.True(refused > Cases / 5, $"seed {seed}: only {refused} refused");
        Assert.True(withEvb > Cases / 10, $"seed {seed}: only {withEvb} with an EVB TLV");
        foreach (string expected in new[] { "TLV overruns the PDU", "first TLV is not the chassis ID", "second TLV is not the port ID",
            "third TLV is not the TTL", "TTL length is not 2", "EVB TLV length is not 9", "mandatory TLV repeated" })
        {
            Assert.True(reasons.ContainsKey(expected), $"seed {seed}: never refused for '{expected}'");
        }
    }

    // The LLDP payloads of both captures, padding included.
    private static byte[][] Seeds() =>
        [.. ReferenceCaptures.Ratified.Concat(ReferenceCaptures.Draft02)
            .Where(frame => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2 * MacAddress.Size)) == EtherTypes.Lldp)
            .Select(frame => frame[ControlFrame.HeaderSize..])];

    private static byte[] Mutate(Random random, byte[][] seeds)
    {
        byte[] pdu = [.. seeds[random.Next(seeds.Length)]];
        return random.Next(7) switch
        {
            0 => FlipBits(random, pdu),
            1 => pdu[..random.Next(pdu.Length + 1)],
            2 => CorruptTlvHeader(random, pdu),
            3 => SpliceTlv(random, pdu),
            4 => [.. pdu.AsSpan(0, End(pdu)), .. RandomBytes(random, random.Next(64))],
            5 => RandomBytes(random, random.Next(MaxPduSize)),
            _ => pdu,
        };
    }

    private static byte[] FlipBits(Random random, byte[] pdu)
    {
        int flips = random.Next(1, 5);
        for (int f = 0; f < flips; f++)
        {
            pdu[random.Next(pdu.Length)] ^= (byte)(1 << random.Next(8));
        }
        return pdu;
    }

    // A TLV header of the seed gets a random length (9 bits) or a random type (7 bits).
    private static byte[] CorruptTlvHeader(Random random, byte[] pdu)
    {
        List<int> headers = TlvOffsets(pdu);
        int at = headers[random.Next(headers.Count)];
        int header = BinaryPrimitives.ReadUInt16BigEndian(pdu.AsSpan(at));
        header = random.Next(2) == 0 ? (header & ~0x1FF) | random.Next(512) : (header & 0x1FF) | (random.Next(128) << 9);
        BinaryPrimitives.WriteUInt16BigEndian(pdu.AsSpan(at), (ushort)header);
        return pdu;
    }

    // One whole TLV of the seed repeated, or dropped.
    private static byte[] SpliceTlv(Random random, byte[] pdu)
    {
        List<int> headers = TlvOffsets(pdu);
        int index = random.Next(headers.Count - 1);
        int start = headers[index], end = headers[index + 1];
        return random.Next(2) == 0
            ? [.. pdu.AsSpan(0, end), .. pdu.AsSpan(start, end - start), .. pdu.AsSpan(end)]
            : [.. pdu.AsSpan(0, start), .. pdu.AsSpan(end)];
    }

    // Where each TLV of a well-formed seed starts, the End TLV's included, then where End finishes.
    private static List<int> TlvOffsets(byte[] pdu)
    {
        var offsets = new List<int>();
        int at = 0;
        while (at + 2 <= pdu.Length)
        {
            offsets.Add(at);
            int header = BinaryPrimitives.ReadUInt16BigEndian(pdu.AsSpan(at));
            at += 2 + (header & 0x1FF);
            if (header >> 9 == LldpCodec.TypeEnd)
            {
                break;
            }
        }
        offsets.Add(at);
        return offsets;
    }

    private static int End(byte[] pdu) => TlvOffsets(pdu)[^2];

    private static byte[] RandomBytes(Random random, int size)
    {
        var bytes = new byte[size];
        random.NextBytes(bytes);
        return bytes;
    }
}
