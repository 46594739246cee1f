// The codec against the real lldpad exchanges: every LLDP frame of the ratified capture decodes to the
// EVB TLVs shared/reference/8021qbg.md documents, and the draft 0.2 capture is tolerated, never used.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Qbg.Lldp.LldpSamples;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class LldpCaptureTests
{
    [Fact]
    public void EveryRatifiedLldpFrameDecodesToACapturedEvbTlv()
    {
        var frames = ReferenceCaptures.RatifiedOfType(EtherTypes.Lldp);
        Assert.Equal(41, frames.Count);

        foreach (byte[] frame in frames)
        {
            Assert.True(ControlFrame.TryRead(frame, out MacAddress source, out ushort etherType, out ReadOnlySpan<byte> payload));
            Assert.Equal(EtherTypes.Lldp, etherType);
            Assert.True(LldpCodec.TryDecode(payload, out LldpPdu? pdu, out string reason), reason);

            Assert.True(source == BridgeMac || source == StationMac);
            Assert.Equal(LldpId.ChassisMac(source), pdu.Chassis);
            Assert.Equal(LldpId.PortMac(source), pdu.Port);
            Assert.Equal(source.ToString(), pdu.Chassis.ToString());
            Assert.Equal(source.ToString(), pdu.Port.ToString());
            Assert.Equal(120, pdu.TtlSeconds);
            Assert.Equal(0, pdu.UnknownTlvCount);
            Assert.NotNull(pdu.Evb);
            Assert.Equal(source == BridgeMac ? EvbMode.Bridge : EvbMode.Station, pdu.Evb.Value.Mode);
            Assert.Contains(Hex(pdu.Evb.Value), Captured);
        }
    }

    [Fact]
    public void CapturedNegotiationIsTheDocumentedSequence()
    {
        var evb = ReferenceCaptures.RatifiedOfType(EtherTypes.Lldp).Select(Decode).Select(pdu => Hex(pdu.Evb!.Value)).ToList();

        Assert.Equal(Documented, evb.Take(5));
        // Steady until group IDs are turned on: the bridge repeats 03 05 68 74 34, the station 03 05 68 b4 34.
        int groupIds = evb.IndexOf(StationGroupIds);
        Assert.All(evb.Take(groupIds).Skip(3), hex => Assert.Contains(hex, new[] { StationEnabled, BridgeSteady }));
        Assert.Equal([StationGroupIds, BridgeGroupIds, StationGroupIdsSteady], evb.Skip(groupIds).Take(3));
    }

    [Fact]
    public void EncodingACapturedPduGivesItsBytesBeforeThePadding()
    {
        foreach (byte[] frame in ReferenceCaptures.RatifiedOfType(EtherTypes.Lldp))
        {
            ReadOnlySpan<byte> payload = frame.AsSpan(ControlFrame.HeaderSize);

            byte[] encoded = LldpCodec.Encode(Decode(frame));

            Assert.Equal(payload[..encoded.Length].ToArray(), encoded);
            Assert.True(payload[encoded.Length..].IndexOfAnyExcept((byte)0) < 0, "only zero padding follows End");
        }
    }

    [Fact]
    public void DraftLldpFramesCarryNoRatifiedEvbTlv()
    {
        int draftTlvs = 0, shutdowns = 0, lldp = 0;
        foreach (byte[] frame in ReferenceCaptures.Draft02)
        {
            if (!ControlFrame.TryRead(frame, out _, out ushort etherType, out ReadOnlySpan<byte> payload) || etherType != EtherTypes.Lldp)
            {
                continue;
            }
            lldp++;
            Assert.True(LldpCodec.TryDecode(payload, out LldpPdu? pdu, out string reason), reason);
            Assert.Null(pdu.Evb);
            Assert.InRange(pdu.UnknownTlvCount, 0, 1);   // the draft's FE 0D 00 1B 3F 00 ... TLV
            draftTlvs += pdu.UnknownTlvCount;
            shutdowns += pdu.TtlSeconds == 0 ? 1 : 0;
        }

        Assert.Equal(38, lldp);
        Assert.Equal(34, draftTlvs);
        Assert.Equal(2, shutdowns);
    }

    [Fact]
    public void AgentsFedTheDraftExchangeCountItButNeverNegotiate()
    {
        LldpAgent bridge = BridgeAgent(), station = StationAgent();
        TimeSpan now = TimeSpan.Zero;
        int stationFrames = 0, bridgeFrames = 0;

        foreach (byte[] frame in ReferenceCaptures.Draft02)
        {
            now += TimeSpan.FromMilliseconds(500);
            // Every frame is handed over as LLDP, the draft's ECP (0x88B7 to ...0E) too: a robustness check.
            MacAddress source = MacAddress.Read(frame.AsSpan(MacAddress.Size));
            if (source == StationMac)
            {
                bridge.Receive(frame.AsSpan(ControlFrame.HeaderSize), source, now);
                stationFrames++;
            }
            else
            {
                station.Receive(frame.AsSpan(ControlFrame.HeaderSize), source, now);
                bridgeFrames++;
            }
        }

        Assert.Equal(stationFrames, bridge.RxFrames);
        Assert.Equal(bridgeFrames, station.RxFrames);
        Assert.Equal(DraftEcpFrom(StationMac), bridge.RxDiscarded);
        Assert.Equal(DraftEcpFrom(BridgeMac), station.RxDiscarded);
        Assert.True(bridge.RxUnknownTlvs > 0);
        Assert.False(bridge.ReflectiveRelay);
        Assert.False(station.ReflectiveRelay);
        Assert.NotNull(bridge.Neighbor);
        Assert.Null(bridge.Neighbor.Evb);
        Assert.Null(bridge.Evb!.Remote);
    }

    private static int DraftEcpFrom(MacAddress source) => ReferenceCaptures.Draft02.Count(frame =>
        MacAddress.Read(frame.AsSpan(MacAddress.Size)) == source
        && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2 * MacAddress.Size)) != EtherTypes.Lldp);

    private static LldpPdu Decode(byte[] frame) =>
        LldpCodec.TryDecode(frame.AsSpan(ControlFrame.HeaderSize), out LldpPdu? pdu, out string reason) ? pdu : throw new InvalidDataException(reason);
}
