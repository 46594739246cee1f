// Seeded fuzzing of the station role whole: the ratified capture's LLDP and ECP frames (bridge and
// station both) corrupted, cut, padded, retagged and readdressed, fed to an EvbStationPort that has a
// VSI to associate. Nothing throws; every frame lands in exactly one counter (ignored, LLDP, or one of
// ECP's); what the station sends is always a well-formed control frame.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg;

public class EvbStationPortFuzzTests
{
    private const int Seed = 20_260_501;
    private const int Cases = 20_000;

    [Fact]
    public void MutatedCaptureFramesNeverThrowAndEachIsCountedOnce()
    {
        var random = new Random(Seed);
        byte[][] seeds = [.. ReferenceCaptures.RatifiedOfType(EtherTypes.Lldp), .. ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp)];
        var station = new EvbStationPort(MacAddress.Parse("02:00:00:00:5a:99"), new EvbSettings());
        station.Vdp.Associate(Spec(Uuid1, Mac1));
        var transmit = new List<byte[]>();

        for (int i = 0; i < Cases; i++)
        {
            byte[] frame = Mutate(random, seeds[random.Next(seeds.Length)]);
            var now = TimeSpan.FromMilliseconds(50 * i);   // ~17 minutes: ageing, keep-alives and give-ups all happen
            string context = $"seed {Seed}, case {i}: {Convert.ToHexString(frame)}";
            long before = Seen(station);

            station.Receive(frame, now, transmit);
            if (i % 7 == 0)
            {
                station.Tick(now, transmit);
            }

            Assert.True(Seen(station) == before + 1, context);
            foreach (byte[] sent in transmit)
            {
                Assert.True(ControlFrame.TryRead(sent, out MacAddress source, out ushort etherType, out ReadOnlySpan<byte> payload), context);
                Assert.Equal(station.Link.PortMac, source);
                Assert.True(etherType == EtherTypes.Lldp ? LldpCodec.TryDecode(payload, out _, out _) : new EcpReader(payload).IsValid, context);
            }
            transmit.Clear();
        }
        Assert.True(station.Link.Lldp.RxDiscarded > 0 && station.Link.Ecp.Counters.RxMalformed > 0 && station.Link.IgnoredFrames > 0);
        Assert.True(station.Link.Lldp.RxFrames > station.Link.Lldp.RxDiscarded);   // many still read, and were heard
    }

    /// <summary>Every frame handed to the port: refused by the envelope, or counted by LLDP or ECP.</summary>
    private static long Seen(EvbStationPort port)
    {
        EcpCounters ecp = port.Link.Ecp.Counters;
        return port.Link.IgnoredFrames + port.Link.Lldp.RxFrames + ecp.RxRequests + ecp.RxAcks + ecp.RxMalformed + ecp.RxUnknownSubtype;
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        byte[] frame = [.. seed];
        switch (random.Next(6))
        {
            case 0:   // flip bytes in the payload
                for (int n = random.Next(1, 6); n > 0; n--)
                {
                    int at = random.Next(14, frame.Length);
                    frame[at] = (byte)random.Next(256);
                }
                return frame;
            case 1:   // cut short, anywhere (runts included)
                return frame[..random.Next(0, frame.Length)];
            case 2:   // padded with garbage
                return [.. frame, .. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))];
            case 3:   // another EtherType
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), (ushort)random.Next(0x0600, 0x10000));
                return frame;
            case 4:   // another destination
                frame[random.Next(6)] ^= (byte)random.Next(1, 256);
                return frame;
            default:   // a C-tag in front (VID 0 as a packet socket may hand it back, or another)
                byte[] tagged = new byte[frame.Length + 4];
                frame.AsSpan(0, 12).CopyTo(tagged);
                BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), EtherTypes.CustomerVlan);
                BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), random.Next(2) == 0 ? (ushort)0 : (ushort)random.Next(1, 4095));
                frame.AsSpan(12).CopyTo(tagged.AsSpan(16));
                return tagged;
        }
    }
}
