// Seeded fuzzing of the VDP codec and both machines: garbage and lldpad's own VDPDUs (the ratified
// capture) corrupted, cut, padded and spliced. Nothing throws; every malformed VDPDU is counted and left
// unanswered; every well-formed one re-encodes to itself; the bridge's table stays bindable.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Qbg.Vdp;

public class VdpFuzzTests
{
    private const int Seed = 20_260_412;
    private const int Cases = 24_000;
    private const int MaxPayloadSize = 600;

    // Accepts two VSI types in three, on a VLAN derived from the type; refuses the rest.
    private sealed class TypeHashPolicy : IVsiPolicy
    {
        public VsiVerdict Evaluate(VsiRequest request) => request.TypeId % 3 == 0
            ? VsiVerdict.Refuse(VdpError.OtherFailure, $"type {request.TypeId} refused")
            : VsiVerdict.AcceptOnVlan((int)(1 + (request.TypeId % 4094)), request.Filters.Count);
    }

    [Fact]
    public void CodecBridgeAndStationNeverThrowAndCountEveryMalformedVdpdu()
    {
        var random = new Random(Seed);
        byte[][] seeds = Seeds();
        var bridge = new VdpBridge(new TypeHashPolicy(), maxVsis: 8);
        var station = new VdpStation();
        station.Associate(VdpTestKit.Spec(VdpTestKit.Uuid1, VdpTestKit.Mac1));
        station.Tick(TimeSpan.Zero, []);
        var buffer = new byte[MaxPayloadSize];
        int malformed = 0, wellFormed = 0;
        var answered = new int[16];
        var failures = new HashSet<VdpParseError>();

        for (int i = 0; i < Cases; i++)
        {
            int size = i % 4 == 0 ? Garbage(random, buffer) : Mutated(random, seeds, buffer);
            ReadOnlySpan<byte> payload = buffer.AsSpan(0, size);
            var now = TimeSpan.FromMilliseconds(100 * i);   // ~300 cases per keep-alive window: the port limit is reached
            string context = $"seed {Seed}, case {i}: {Convert.ToHexString(payload)}";
            long malformedBefore = bridge.Counters.Malformed;
            long refusedBefore = bridge.Counters.Refused;

            bool parsed = VdpCodec.TryParse(payload, out VdpMessage message, out VdpParseFailure failure);
            VdpAnswer answer = bridge.Receive(payload, now);
            station.Receive(payload, now);
            bridge.Tick(now);

            if (!parsed)
            {
                malformed++;
                failures.Add(failure.Error);
                Assert.True(failure.Error != VdpParseError.None, context);
                Assert.True(bridge.Counters.Malformed == malformedBefore + 1, context);
                Assert.True(answer.Response is null && answer.Decisions.Count == 0, context);
                continue;
            }
            wellFormed++;
            byte[] encoded = VdpCodec.Encode(message);
            Assert.True(VdpCodec.TryParse(encoded, out VdpMessage again, out _), context);
            Assert.True(encoded.AsSpan().SequenceEqual(VdpCodec.Encode(again)), context);

            List<VsiTlv> requests = [.. message.Vsis.Where(v => !v.Status.IsResponse)];
            if (message.ManagerId is null || requests.Count == 0)
            {
                Assert.True(answer.Response is null, context);
                continue;
            }
            VdpMessage response = answer.Response ?? throw new InvalidOperationException($"{context}: no answer");
            Assert.True(response.ManagerId == message.ManagerId && response.Vsis.Count == requests.Count, context);
            for (int t = 0; t < requests.Count; t++)
            {
                VsiTlv asked = requests[t], given = response.Vsis[t];
                Assert.True(given.Status.IsResponse && given.Type == asked.Type && given.VsiId == asked.VsiId
                    && given.TypeId == asked.TypeId && given.FilterFormat == asked.FilterFormat && given.Filters.Count == asked.Filters.Count, context);
                answered[given.Status.Value & VdpStatus.ErrorMask]++;
            }
            Assert.True(bridge.Counters.Refused - refusedBefore == answer.Decisions.Count(d => d.Kind == VsiDecisionKind.Refused), context);
            VdpCodec.Encode(response);
            Assert.True(bridge.Vsis.Count <= bridge.MaxVsis, context);
            var admission = new VsiAdmission { Enforced = true, Bindings = [.. bridge.Vsis.SelectMany(v => v.Bindings)] };
            Assert.True(!admission.Validate().Any(), $"{context}: {string.Join("; ", admission.Validate())}");
        }

        // Both halves must reach deep: well-formed VDPDUs answered every way, and malformed ones of many kinds.
        Assert.True(wellFormed > Cases / 4, $"only {wellFormed} well-formed");
        Assert.True(malformed > Cases / 4, $"only {malformed} malformed");
        Assert.True(failures.Count >= 8, $"malformed only as {string.Join(", ", failures)}");
        Assert.Equal(malformed, bridge.Counters.Malformed);
        Assert.Equal(malformed, station.Counters.Malformed);
        Assert.Equal(Cases, bridge.Counters.Received);
        foreach (VdpError error in new[] { VdpError.None, VdpError.InvalidFormat, VdpError.InsufficientResources, VdpError.OtherFailure, VdpError.InvalidFilter })
        {
            Assert.True(answered[(int)error] > 0, $"no answer with {error}: {string.Join(",", answered)}");
        }
        Assert.True(bridge.Counters.MissingManagerId > 0 && bridge.Counters.Deassociated > 0 && bridge.Counters.Expired > 0, bridge.Counters.ToString());
    }

    // The capture's VDPDUs, plus every filter format and a three-TLV message, so mutations reach them all.
    private static byte[][] Seeds()
    {
        var seeds = ReferenceVdp.Requests.Select(p => p.Payload).ToList();
        VsiTlv associate = VdpTestKit.Tlv(VdpRequest.Associate, VdpTestKit.Uuid1, VdpTestKit.Mac1, 0);
        seeds.Add(VdpTestKit.Payload(associate, associate with { VsiId = VdpTestKit.Uuid2, Filters = [VdpFilter.ForMac(VdpTestKit.Mac1, 0)] },
            VdpTestKit.Tlv(VdpRequest.DeAssociate, VdpTestKit.Uuid3, VdpTestKit.Mac3, 10)));
        seeds.Add(VdpTestKit.Payload(associate with { FilterFormat = VdpFilterFormat.GroupMacVid, Filters = [VdpFilter.ForGroupMac(7, VdpTestKit.Mac2, 0), VdpFilter.ForGroupMac(7, VdpTestKit.Mac3, 0)] }));
        seeds.Add(VdpTestKit.Payload(associate with { VsiId = VsiId.FromMac(VdpTestKit.Mac1), FilterFormat = VdpFilterFormat.GroupVid, Filters = [VdpFilter.ForGroup(1, 0)] }));
        return [.. seeds];
    }

    private static int Garbage(Random random, byte[] buffer)
    {
        int size = random.Next(MaxPayloadSize + 1);
        random.NextBytes(buffer.AsSpan(0, size));
        if (size >= 2 && random.Next(2) == 0)
        {
            buffer[0] = 0x0A;   // a Manager ID header, so garbage gets past the first check half the time
            buffer[1] = 0x10;
        }
        return size;
    }

    // A seed with 1..4 bytes changed (to noise or to a boundary value), then sometimes cut short, padded,
    // or followed by the TLVs of another seed.
    private static int Mutated(Random random, byte[][] seeds, byte[] buffer)
    {
        byte[] seed = seeds[random.Next(seeds.Length)];
        seed.CopyTo(buffer, 0);
        int size = seed.Length;
        int changes = random.Next(5);
        for (int c = 0; c < changes; c++)
        {
            int at = random.Next(size);
            buffer[at] = random.Next(3) switch
            {
                0 => (byte)random.Next(256),
                1 => (byte)random.Next(8),
                _ => (byte)(buffer[at] ^ (1 << random.Next(8))),
            };
        }
        switch (random.Next(6))
        {
            case 0:
                size = random.Next(size + 1);
                break;
            case 1:
                int padding = random.Next(1, 40);
                Array.Clear(buffer, size, padding);
                size += padding;
                break;
            case 2:
                byte[] other = seeds[random.Next(seeds.Length)];
                int tail = Math.Min(other.Length - 18, MaxPayloadSize - size);
                other.AsSpan(18, tail).CopyTo(buffer.AsSpan(size));
                size += tail;
                break;
            default:
                break;
        }
        return size;
    }
}
