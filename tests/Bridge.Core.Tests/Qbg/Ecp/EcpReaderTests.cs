// EcpReader and EcpHeader against the real lldpad exchange (qbg-reference.pcap) and against payloads a
// peer should never send: every refusal has its reason, and encoding gives back the captured bytes.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Qbg.Ecp;

public class EcpReaderTests
{
    private static readonly MacAddress Station = new(0x0200_0000_5A01UL);
    private static readonly MacAddress Bridge = new(0x0200_0000_B001UL);

    // Every ECP frame of the capture in order: sender (Station, Bridge), operation (Req, Ack), sequence.
    // Each side numbers its own requests from 1; the station's seq 10 went four times (its ACK came
    // 24 s late, after lldpad gave up), and the bridge then acknowledged all four copies.
    private const string CapturedExchange =
        "SR1 BA1 BR1 SA1 SR2 BA2 BR2 SA2 SR3 BA3 BR3 SA3 SR4 BA4 BR4 SA4 SR5 BA5 BR5 SA5 SR6 BA6 BR6 SA6 " +
        "SR7 BA7 BR7 SA7 SR8 BA8 BR8 SA8 SR9 BA9 BR9 SA9 SR10 SR10 SR10 SR10 BA10 BR10 BA10 BA10 BA10 SA10 " +
        "BR11 SA11 BR12 SA12 BR13 SA13 SR11 BA11 BR14 SA14 SR12 BA12 BR15 SA15 SR13 BA13 BR16 SA16 SR14 BA14 " +
        "BR17 SA17 BR18 SA18 BR19 SA19";

    [Fact]
    public void EveryEcpFrameOfTheReferenceCaptureReadsAsTheExchangeRecorded()
    {
        var expected = CapturedExchange.Split(' ');
        var frames = ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp);
        Assert.Equal(expected.Length, frames.Count);

        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(ControlFrame.TryRead(frames[i], out MacAddress source, out ushort etherType, out ReadOnlySpan<byte> payload));
            Assert.Equal(EtherTypes.Ecp, etherType);
            var reader = new EcpReader(payload);
            Assert.True(reader.IsValid, $"frame {i}: {reader.Check}");
            Assert.Equal(expected[i][0] == 'S' ? Station : Bridge, source);
            Assert.Equal(expected[i][1] == 'R' ? EcpOperation.Request : EcpOperation.Ack, reader.Header.Operation);
            Assert.Equal(ushort.Parse(expected[i][2..], System.Globalization.CultureInfo.InvariantCulture), reader.Header.Sequence);
            Assert.Equal(EcpSubtype.Vdp, reader.Header.Subtype);
            if (reader.Header.Operation == EcpOperation.Request)
            {
                // VDP TLV header (type 7 bits | length 9 bits): a Manager ID, type 5, 16 bytes, comes first.
                Assert.Equal(new byte[] { 0x0A, 0x10 }, reader.Body[..2].ToArray());
            }
            else
            {
                Assert.Equal(18, frames[i].Length);   // veth: an ACK is header only, unpadded
                Assert.True(reader.Body.IsEmpty);
            }
        }
    }

    [Fact]
    public void AckIsReadTheSameUnpaddedOnVethAndPaddedOnAWire()
    {
        byte[] captured = ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp)[1];   // the bridge's ACK of seq 1
        Assert.True(ControlFrame.TryRead(captured, out MacAddress source, out _, out ReadOnlySpan<byte> unpadded));
        byte[] wire = ControlFrame.Build(source, EtherTypes.Ecp, unpadded);
        Assert.Equal(ControlFrame.MinimumSize, wire.Length);
        Assert.True(ControlFrame.TryRead(wire, out _, out _, out ReadOnlySpan<byte> padded));
        Assert.Equal(46, padded.Length);

        var unpaddedAck = new EcpReader(unpadded);
        var paddedAck = new EcpReader(padded);
        Assert.True(unpaddedAck.IsValid);
        Assert.True(paddedAck.IsValid);
        Assert.Equal(new EcpHeader(EcpOperation.Ack, EcpSubtype.Vdp, 1), unpaddedAck.Header);
        Assert.Equal(unpaddedAck.Header, paddedAck.Header);
        Assert.True(paddedAck.Body.IsEmpty);
    }

    [Fact]
    public void RequestBodyKeepsItsPaddingForVdpToReadAsEnd()
    {
        byte[] payload = EcpHeader.Request(EcpSubtype.Vdp, 7, [0x0A, 0x10]);
        byte[] wire = ControlFrame.Build(Bridge, EtherTypes.Ecp, payload);
        Assert.True(ControlFrame.TryRead(wire, out _, out _, out ReadOnlySpan<byte> padded));

        var reader = new EcpReader(padded);
        Assert.True(reader.IsValid);
        Assert.Equal(46 - EcpHeader.Size, reader.Body.Length);
        Assert.Equal(new byte[] { 0x0A, 0x10 }, reader.Body[..2].ToArray());
        Assert.True(reader.Body[2..].IndexOfAnyExcept((byte)0) < 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1001")]
    [InlineData("100100")]
    public void PayloadShorterThanTheHeaderIsTruncated(string hex)
    {
        var reader = new EcpReader(Convert.FromHexString(hex));
        Assert.False(reader.IsValid);
        Assert.Equal(EcpCheck.Truncated, reader.Check);
        Assert.Equal(default, reader.Header);
    }

    [Theory]
    [InlineData("00010001")]   // version 0
    [InlineData("20010001")]   // version 2
    [InlineData("F4010001")]   // version 15
    public void VersionOtherThanOneIsRefused(string hex)
    {
        var reader = new EcpReader(Convert.FromHexString(hex));
        Assert.Equal(EcpCheck.BadVersion, reader.Check);
    }

    [Theory]
    [InlineData("18010001")]   // operation 2
    [InlineData("1C010001")]   // operation 3
    public void ReservedOperationIsRefused(string hex)
    {
        var reader = new EcpReader(Convert.FromHexString(hex));
        Assert.Equal(EcpCheck.BadOperation, reader.Check);
    }

    [Fact]
    public void DraftEcpPayloadIsRefusedAsAnotherVersion()
    {
        // Pre-standard ECP (0x88B7) starts with the OUI 00-1B-3F: were it handed over, it reads as version 0.
        foreach (byte[] frame in ReferenceCaptures.Draft02.Where(f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == 0x88B7))
        {
            Assert.Equal(EcpCheck.BadVersion, new EcpReader(frame.AsSpan(ControlFrame.HeaderSize)).Check);
        }
    }

    [Theory]
    [InlineData("14020203", EcpOperation.Ack, (ushort)2, (ushort)0x0203)]
    [InlineData("13FFFFFF", EcpOperation.Request, (ushort)0x3FF, (ushort)0xFFFF)]
    public void SubtypeOutsideVdpStillParses(string hex, EcpOperation operation, ushort subtype, ushort sequence)
    {
        var reader = new EcpReader(Convert.FromHexString(hex));
        Assert.True(reader.IsValid);
        Assert.Equal(new EcpHeader(operation, (EcpSubtype)subtype, sequence), reader.Header);
    }

    [Fact]
    public void EncodingGivesBackTheCapturedPayloads()
    {
        var frames = ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp);
        Assert.True(ControlFrame.TryRead(frames[0], out _, out _, out ReadOnlySpan<byte> request));
        Assert.True(ControlFrame.TryRead(frames[1], out _, out _, out ReadOnlySpan<byte> ack));

        Assert.Equal(request.ToArray(), EcpHeader.Request(EcpSubtype.Vdp, 1, new EcpReader(request).Body));
        Assert.Equal(ack.ToArray(), EcpHeader.Ack(EcpSubtype.Vdp, 1));
        Assert.Equal(Convert.FromHexString("14010001"), EcpHeader.Ack(EcpSubtype.Vdp, 1));
    }

    [Fact]
    public void EncodingRefusesWhatTheFieldsCannotHold()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EcpHeader.Ack((EcpSubtype)0x400, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => EcpHeader.Request(EcpSubtype.Vdp, 1, new byte[EcpHeader.MaxBodySize + 1]));
        Assert.Throws<InvalidOperationException>(() => new EcpHeader((EcpOperation)2, EcpSubtype.Vdp, 1).Write(new byte[4]));
        Assert.Equal(EcpHeader.Size + EcpHeader.MaxBodySize, EcpHeader.Request(EcpSubtype.Vdp, 1, new byte[EcpHeader.MaxBodySize]).Length);
    }
}
