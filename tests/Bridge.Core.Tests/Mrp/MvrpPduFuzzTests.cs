// Seeded fuzzing of MvrpPdu.Decode: random bytes behind an MVRP header, and valid PDUs (encoded ones and
// mrpd's capture, untagged and priority-tagged) with bits flipped, words overwritten, cut short or padded with garbage. Decode never
// throws, always answers a defined MvrpError, and what it accepts is always a VID in 1..4094 with a
// defined event.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.MvrpWire;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public class MvrpPduFuzzTests
{
    private const int Seed = 20_261_204;
    private const int Cases = 20_000;

    [Fact]
    public void RandomBytesNeverThrowAndGetADefinedAnswer()
    {
        var random = new Random(Seed);
        var message = new MvrpMessage();
        var seen = new HashSet<MvrpError>();
        byte[] header = Convert.FromHexString(HeaderHex);

        for (int i = 0; i < Cases; i++)
        {
            var frame = new byte[random.Next(0, 200)];
            random.NextBytes(frame);
            if (i % 4 != 0 && frame.Length >= header.Length)
            {
                header.CopyTo(frame, 0);   // most get past the envelope so that the PDU itself is fuzzed
            }

            MvrpError error = Decode(frame, message, $"seed {Seed}, case {i}");
            seen.Add(error);
        }
        Assert.Contains(MvrpError.NotMvrp, seen);
        Assert.Contains(MvrpError.Truncated, seen);
        Assert.Contains(MvrpError.BadAttributeLength, seen);
    }

    [Fact]
    public void MutatedValidPdusNeverThrowAndGetADefinedAnswer()
    {
        var random = new Random(Seed);
        var message = new MvrpMessage();
        var seen = new HashSet<MvrpError>();
        List<byte[]> seeds = Seeds();

        for (int i = 0; i < Cases; i++)
        {
            byte[] frame = Mutate(random, seeds[random.Next(seeds.Count)]);

            MvrpError error = Decode(frame, message, $"seed {Seed}, case {i}: {Convert.ToHexString(frame)}");
            seen.Add(error);
        }
        // the mutations reach every refusal, and many frames still read
        Assert.Equal(Enum.GetValues<MvrpError>().ToHashSet(), seen);
    }

    /// <summary>Decodes, checks the answer is defined and the events well-formed when accepted.</summary>
    private static MvrpError Decode(byte[] frame, MvrpMessage message, string context)
    {
        MvrpError error = MvrpPdu.Decode(frame, message);

        Assert.True(Enum.IsDefined(error), context);
        if (error == MvrpError.None)
        {
            foreach (VidEvent e in message.Events)
            {
                Assert.True(e.Vid is >= 1 and <= 4094 && Enum.IsDefined(e.Event), context);
            }
        }
        return error;
    }

    private static List<byte[]> Seeds()
    {
        var random = new Random(Seed + 1);
        var seeds = new List<byte[]> { MrpdCapture.FullVidVector };
        seeds.AddRange(Encode(Message(true)));
        seeds.AddRange(Encode(Message(false, new VidEvent(1, MrpAttributeEvent.JoinIn), new VidEvent(4094, MrpAttributeEvent.Lv))));
        for (int n = 0; n < 20; n++)
        {
            var message = new MvrpMessage { LeaveAll = random.Next(2) == 0 };
            int vid = 0;
            while ((vid += random.Next(1, 40)) <= 4094 && message.Events.Count < 300)
            {
                message.Events.Add(new VidEvent((ushort)vid, (MrpAttributeEvent)random.Next(6)));
            }
            seeds.AddRange(Encode(message));
        }
        // A priority-tagged copy of every other seed, so mutations reach the tag (a VID in it: VlanTagged).
        seeds.AddRange([.. seeds.Where((_, i) => i % 2 == 0).Select(PriorityTagged)]);
        return seeds;
    }

    private static byte[] PriorityTagged(byte[] untagged) => [.. untagged[..12], 0x81, 0x00, 0xE0, 0x00, .. untagged[12..]];

    private static byte[] Mutate(Random random, byte[] seed)
    {
        byte[] frame = [.. seed];
        switch (random.Next(6))
        {
            case 0:   // flip bits, mostly in the PDU's first bytes where the headers are
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    int at = random.Next(2) == 0 ? random.Next(14, Math.Min(frame.Length, 40)) : random.Next(frame.Length);
                    frame[at] ^= (byte)(1 << random.Next(8));
                }
                return frame;
            case 1:   // random bytes anywhere after the addresses
                for (int n = random.Next(1, 6); n > 0; n--)
                {
                    frame[random.Next(12, frame.Length)] = (byte)random.Next(256);
                }
                return frame;
            case 2:   // cut short, anywhere (runts included)
                return frame[..random.Next(0, frame.Length)];
            case 3:   // garbage after the end
                return [.. frame, .. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))];
            case 4:   // a random 16-bit word where a message or vector header may be
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(random.Next(15, Math.Min(frame.Length - 1, 40))), (ushort)random.Next(0x10000));
                return frame;
            default:   // a large packed byte
                frame[random.Next(21, Math.Min(frame.Length, 60))] = (byte)random.Next(200, 256);
                return frame;
        }
    }
}
