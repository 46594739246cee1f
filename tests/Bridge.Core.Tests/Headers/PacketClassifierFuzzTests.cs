// Seeded fuzzing of PacketClassifier: garbage and corrupted sample frames must never make it throw, and
// what it reports must stay self-consistent. The seed is fixed so a failure replays exactly.
using Hairpin.Bridge.Core.Headers;
using Xunit;

namespace Hairpin.Bridge.Core.Tests.Headers;

public class PacketClassifierFuzzTests
{
    private const int Seed = 20_240_611;
    private const int Frames = 20_000;
    private const int MaxFrameLength = 1600;

    [Fact]
    public void ClassifierNeverThrowsOnGarbageOrCorruptedFrames()
    {
        var random = new Random(Seed);
        var samples = TestPackets.SampleNames.Select(TestPackets.Sample).ToArray();
        var buffer = new byte[MaxFrameLength];
        var counts = new int[byte.MaxValue + 1];

        for (int i = 0; i < Frames; i++)
        {
            int length = i % 2 == 0 ? Garbage(random, buffer) : CorruptedSample(random, samples, buffer);
            HeaderCheck check = default;
            PacketSummary summary = default;
            var thrown = Record.Exception(() => check = PacketClassifier.Classify(buffer.AsSpan(0, length), out summary));
            if (thrown is not null)
            {
                Assert.Fail($"seed {Seed}, frame {i}: {Convert.ToHexString(buffer, 0, length)} threw {thrown}");
            }
            counts[(int)check]++;
            if (!summary.HasTransportHeader && (summary.SourcePort | summary.DestinationPort | summary.TcpFlags | summary.IcmpType | summary.IcmpCode) != 0)
            {
                Assert.Fail($"seed {Seed}, frame {i}: L4 fields set without a transport header: {summary}");
            }
            if (summary.HasTransportHeader && summary.IsFragment && !summary.IsFirstFragment)
            {
                Assert.Fail($"seed {Seed}, frame {i}: transport header read from a later fragment: {summary}");
            }
        }

        // The corrupted half must reach the deep readers, or this test fuzzes only the Ethernet header.
        Assert.True(counts[(int)HeaderCheck.Ok] > Frames / 10, $"seed {Seed}: only {counts[(int)HeaderCheck.Ok]} frames Ok");
        Assert.True(counts[(int)HeaderCheck.Truncated] > 0, $"seed {Seed}: no Truncated");
        Assert.True(counts[(int)HeaderCheck.BadTotalLength] > 0, $"seed {Seed}: no BadTotalLength");
        Assert.True(counts[(int)HeaderCheck.BadVersion] > 0, $"seed {Seed}: no BadVersion");
    }

    private static int Garbage(Random random, byte[] buffer)
    {
        int length = random.Next(MaxFrameLength + 1);
        random.NextBytes(buffer.AsSpan(0, length));
        return length;
    }

    // A sample frame with 1..4 header bytes changed, then sometimes cut short or padded with noise.
    private static int CorruptedSample(Random random, byte[][] samples, byte[] buffer)
    {
        var sample = samples[random.Next(samples.Length)];
        sample.CopyTo(buffer, 0);
        int flips = random.Next(1, 5);
        for (int f = 0; f < flips; f++)
        {
            buffer[random.Next(sample.Length)] ^= (byte)random.Next(1, 256);
        }
        int length = random.Next(4) switch
        {
            0 => random.Next(sample.Length + 1),
            1 => random.Next(sample.Length, MaxFrameLength + 1),
            _ => sample.Length,
        };
        if (length > sample.Length)
        {
            random.NextBytes(buffer.AsSpan(sample.Length, length - sample.Length));
        }
        return length;
    }
}
