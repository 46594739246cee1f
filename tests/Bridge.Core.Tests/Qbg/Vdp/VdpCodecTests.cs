// VdpCodec against lldpad's own VDPDUs (the ratified capture) and hand-made ones: every field read as
// lldpad wrote it, every record written back byte for byte, every broken layout refused with a reason.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Qbg.Vdp;

public class VdpCodecTests
{
    private static VdpMessage Captured(int frame) =>
        VdpTestKit.Parse(ReferenceVdp.Requests.Single(p => p.Frame == frame).Payload);

    [Fact]
    public void EveryVdpduInTheCaptureParsesWithTheManagerIdFirst()
    {
        // 17 from the station (3 of them ECP retransmissions), 19 from the bridge (5 unsolicited De-Associates)
        Assert.Equal(17, ReferenceVdp.StationRequests.Count);
        Assert.Equal(19, ReferenceVdp.BridgeRequests.Count);
        foreach (ReferenceVdp.Pdu pdu in ReferenceVdp.Requests)
        {
            Assert.True(VdpCodec.TryParse(pdu.Payload, out VdpMessage message, out VdpParseFailure failure), $"{pdu}: {failure}");
            Assert.NotNull(message.ManagerId);
            Assert.Single(message.Vsis);
        }
    }

    [Fact]
    public void StationAssociateReadsAsVdptoolWasAskedForIt()
    {
        // vdptool ... mgrid2=mgr1 typeid=42 typeidver=1 uuid=a1412857-... filter=10-52:54:00:8e:aa:11
        VdpMessage message = Captured(16);

        Assert.Equal("mgr1", message.ManagerId.ToString());
        Assert.True(message.ManagerId!.Value.IsText);
        VsiTlv vsi = Assert.Single(message.Vsis);
        Assert.Equal(VdpRequest.Associate, vsi.Type);
        Assert.False(vsi.Status.IsResponse);
        Assert.Equal(VsiHint.None, vsi.Status.Hint);
        Assert.Equal(42u, vsi.TypeId);
        Assert.Equal(1, vsi.TypeVersion);
        Assert.Equal(VsiIdFormat.Uuid, vsi.VsiIdFormat);
        Assert.Equal("a1412857-60f7-4ce1-e95a-2164943f53aa", vsi.VsiId.ToString());
        Assert.Equal(VdpFilterFormat.MacVid, vsi.FilterFormat);
        VdpFilter filter = Assert.Single(vsi.Filters);
        Assert.Equal(MacAddress.Parse("52:54:00:8e:aa:11"), filter.Mac);
        Assert.Equal(10, filter.Vid);
        Assert.False(filter.PcpSignificant);
        Assert.Null(filter.GroupId);
    }

    [Fact]
    public void BridgeAnswerInTheCaptureCarriesTheResponseBitAndNoError()
    {
        VsiTlv answer = Assert.Single(Captured(18).Vsis);

        Assert.Equal(0x40, answer.Status.Value);
        Assert.True(answer.Status.IsResponse);
        Assert.Equal(VdpError.None, answer.Status.Error);
        Assert.Equal(VdpRequest.Associate, answer.Type);
    }

    [Fact]
    public void PreAssociateWithMigrationHintAndBinaryManagerIdReads()
    {
        VdpMessage message = Captured(34);

        Assert.False(message.ManagerId!.Value.IsText);
        Assert.Equal("0011223344556677889900aabbccddee", message.ManagerId.ToString());
        VsiTlv vsi = Assert.Single(message.Vsis);
        Assert.Equal(VdpRequest.PreAssociate, vsi.Type);
        Assert.Equal(VsiHint.MigratingTo, vsi.Status.Hint);
        Assert.Equal(7u, vsi.TypeId);
        Assert.Equal(2, vsi.TypeVersion);
        Assert.Equal("5fa7e3b2-0d1c-4e5f-8a9b-0c1d2e3f4a5b", vsi.VsiId.ToString());
        Assert.Equal(VdpFilterFormat.Vid, vsi.FilterFormat);
        Assert.Equal(VdpFilter.ForVid(20), Assert.Single(vsi.Filters));
    }

    [Fact]
    public void GroupFiltersReadGroupIdMacAndVidInThatOrder()
    {
        VsiTlv groupVid = Assert.Single(Captured(91).Vsis);
        Assert.Equal("grp", Captured(91).ManagerId.ToString());
        Assert.Equal(300u, groupVid.TypeId);
        Assert.Equal("00000000-0000-4000-8000-000000000003", groupVid.VsiId.ToString());
        Assert.Equal(VdpFilter.ForGroup(1234, 30), Assert.Single(groupVid.Filters));

        VsiTlv groupMacVid = Assert.Single(Captured(95).Vsis);
        Assert.Equal(VdpRequest.PreAssociateWithReservation, groupMacVid.Type);
        Assert.Equal(400u, groupMacVid.TypeId);
        Assert.Equal(
            [VdpFilter.ForGroupMac(5678, MacAddress.Parse("52:54:00:aa:bb:cc"), 40), VdpFilter.ForGroupMac(5678, MacAddress.Parse("52:54:00:aa:bb:cd"), 41)],
            groupMacVid.Filters);
    }

    [Fact]
    public void VidZeroRequestOfTheCaptureAsksTheBridgeToAssign()
    {
        VsiTlv vsi = Assert.Single(Captured(56).Vsis);

        Assert.Equal("mgr2", Captured(56).ManagerId.ToString());
        Assert.Equal(99u, vsi.TypeId);
        Assert.Equal(3, vsi.TypeVersion);
        Assert.Equal(0, Assert.Single(vsi.Filters).Vid);
    }

    [Fact]
    public void EveryCapturedVdpduEncodesBackToItsBytesPlusTheEndTlv()
    {
        // lldpad omits the End TLV; the codec always writes it, which lldpad accepts.
        foreach (ReferenceVdp.Pdu pdu in ReferenceVdp.Requests)
        {
            byte[] encoded = VdpCodec.Encode(VdpTestKit.Parse(pdu.Payload));

            Assert.Equal(Convert.ToHexString(pdu.Payload) + "0000", Convert.ToHexString(encoded));
        }
    }

    public static TheoryData<VsiIdFormat, string, string> VsiIds => new()
    {
        { VsiIdFormat.IPv4, "00000000000000000000ffffc0000201", "192.0.2.1" },
        { VsiIdFormat.IPv6, "20010db8000000000000000000000001", "2001:db8::1" },
        { VsiIdFormat.Mac, "0000000000000000000052540012abcd", "52:54:00:12:ab:cd" },
        { VsiIdFormat.Local, "000102030405060708090a0b0c0d0e0f", "000102030405060708090a0b0c0d0e0f" },
        { VsiIdFormat.Uuid, "a141285760f74ce1e95a2164943f53aa", "a1412857-60f7-4ce1-e95a-2164943f53aa" },
    };

    [Theory]
    [MemberData(nameof(VsiIds))]
    public void VsiIdRendersPerFormat(VsiIdFormat format, string hex, string text)
    {
        VsiId id = VsiId.Read(format, Convert.FromHexString(hex));

        Assert.Equal(text, id.ToString());
    }

    [Fact]
    public void VsiIdFactoriesPlaceAddressesAsLldpadChecksThem()
    {
        Assert.Equal(VsiId.Read(VsiIdFormat.IPv4, Convert.FromHexString("00000000000000000000ffffc0000201")), VsiId.FromIPAddress(System.Net.IPAddress.Parse("192.0.2.1")));
        Assert.Equal(VsiId.Read(VsiIdFormat.IPv6, Convert.FromHexString("20010db8000000000000000000000001")), VsiId.FromIPAddress(System.Net.IPAddress.Parse("2001:db8::1")));
        Assert.Equal(VsiId.Read(VsiIdFormat.Mac, Convert.FromHexString("0000000000000000000052540012abcd")), VsiId.FromMac(MacAddress.Parse("52:54:00:12:ab:cd")));
        Assert.Equal("a1412857-60f7-4ce1-e95a-2164943f53aa", VsiId.ParseUuid("A1412857-60F7-4CE1-E95A-2164943F53AA").ToString());
        Assert.Throws<FormatException>(() => VsiId.ParseUuid("not-a-uuid"));
    }

    [Fact]
    public void ManagerIdTextIsNulPaddedAndLongTextIsRefused()
    {
        var manager = VdpManagerId.FromText("mgr1");
        var bytes = new byte[VdpManagerId.Size];
        manager.Write(bytes);

        Assert.Equal("6d677231000000000000000000000000", Convert.ToHexStringLower(bytes));
        Assert.Equal("mgr1", manager.ToString());
        Assert.Throws<ArgumentException>(() => VdpManagerId.FromText("seventeen-chars!!"));
        Assert.Equal("00000000000000000000000000000000", new VdpManagerId(0).ToString());
    }

    public static TheoryData<VdpFilterFormat, VdpFilter[]> FilterSets => new()
    {
        { VdpFilterFormat.Vid, [VdpFilter.ForVid(1), new VdpFilter(5, true, 4094, null, null), VdpFilter.ForVid(0)] },
        { VdpFilterFormat.MacVid, [VdpFilter.ForMac(VdpTestKit.Mac1, 10), new VdpFilter(7, true, 0, VdpTestKit.Mac2, null)] },
        { VdpFilterFormat.GroupVid, [VdpFilter.ForGroup(uint.MaxValue, 4095), new VdpFilter(3, false, 2, null, 0)] },
        { VdpFilterFormat.GroupMacVid, [VdpFilter.ForGroupMac(0x01020304, VdpTestKit.Mac3, 100), new VdpFilter(1, true, 1, VdpTestKit.Mac1, 9)] },
    };

    [Theory]
    [MemberData(nameof(FilterSets))]
    public void EveryFilterFormatRoundTripsWithEveryVsiIdFormat(VdpFilterFormat format, VdpFilter[] filters)
    {
        foreach (VsiIdFormat idFormat in Enum.GetValues<VsiIdFormat>())
        {
            var id = new VsiId(idFormat, UInt128.MaxValue / 3);
            var tlvs = Enum.GetValues<VdpRequest>()
                .Select(type => new VsiTlv(type, new VdpStatus(0x30), VsiTlv.MaxTypeId, 255, id, format, filters))
                .ToArray();
            var message = new VdpMessage(VdpManagerId.FromText("0123456789abcdef"), tlvs);

            byte[] payload = VdpCodec.Encode(message);
            VdpMessage read = VdpTestKit.Parse(payload);

            Assert.Equal(VdpCodec.EncodedSize(message), payload.Length);
            Assert.Equal(message.ManagerId, read.ManagerId);
            Assert.Equal(tlvs.Length, read.Vsis.Count);
            for (int i = 0; i < tlvs.Length; i++)
            {
                Assert.True(tlvs[i].SameContent(read.Vsis[i]), $"{tlvs[i]} read back as {read.Vsis[i]}");
            }
        }
    }

    [Fact]
    public void PcpVidWordPacksPsPcpAndVid()
    {
        var tlv = new VsiTlv(VdpRequest.Associate, new VdpStatus(0), 1, 1, VdpTestKit.Uuid1, VdpFilterFormat.Vid, [new VdpFilter(5, true, 0xABC, null, null)]);

        byte[] payload = VdpCodec.Encode(new VdpMessage(null, [tlv]));

        Assert.Equal("DABC", Convert.ToHexString(payload, 2 + VsiTlv.FixedSize, 2));
    }

    [Fact]
    public void PaddingAfterTheEndTlvAndAnExactEndWithoutItAreBothAccepted()
    {
        byte[] payload = VdpTestKit.Payload(VdpTestKit.Tlv(VdpRequest.Associate, VdpTestKit.Uuid1, VdpTestKit.Mac1, 10));
        byte[] padded = [.. payload, .. new byte[20]];
        byte[] withoutEnd = payload[..^2];

        Assert.Single(VdpTestKit.Parse(padded).Vsis);
        Assert.Single(VdpTestKit.Parse(withoutEnd).Vsis);
        Assert.Empty(VdpTestKit.Parse([]).Vsis);
    }

    [Fact]
    public void OrganizationalAndUnknownTlvsAreSkipped()
    {
        byte[] payload = VdpTestKit.Payload(VdpTestKit.Tlv(VdpRequest.Associate, VdpTestKit.Uuid1, VdpTestKit.Mac1, 10));
        byte[] organizational = [0xFE, 0x04, 0x00, 0x80, 0xC2, 0x99];
        byte[] unknownType = [0x0C, 0x01, 0x77];   // type 6
        int afterManager = 2 + VdpManagerId.Size;
        byte[] mixed = [.. payload[..afterManager], .. organizational, .. unknownType, .. payload[afterManager..]];

        VdpMessage message = VdpTestKit.Parse(mixed);

        Assert.Equal(VdpTestKit.Manager, message.ManagerId);
        Assert.Equal(VdpTestKit.Uuid1, Assert.Single(message.Vsis).VsiId);
    }

    [Theory]
    [InlineData("0A10 6D677231000000000000000000000000 06", VdpParseError.TruncatedHeader)]
    [InlineData("0A10 6D67723100000000", VdpParseError.ValueOverrun)]
    [InlineData("0A10 6D677231000000000000000000000000 0621 00", VdpParseError.ValueOverrun)]
    [InlineData("0001 00", VdpParseError.EndTlvWithValue)]
    [InlineData("0A0F 6D6772310000000000000000000000", VdpParseError.ManagerIdSize)]
    [InlineData("FE00 0A10 6D677231000000000000000000000000", VdpParseError.ManagerIdNotFirst)]
    [InlineData("0A10 6D677231000000000000000000000000 0A10 6D677231000000000000000000000000", VdpParseError.DuplicateManagerId)]
    [InlineData("0A10 6D677231000000000000000000000000 0602 0000", VdpParseError.VsiTlvTooShort)]
    // filter format 9
    [InlineData("0A10 6D677231000000000000000000000000 0621 00 00002A 01 05 A141285760F74CE1E95A2164943F53AA 09 0001 5254008EAA11000A", VdpParseError.UnknownFilterFormat)]
    // count 2, one MAC/VID entry
    [InlineData("0A10 6D677231000000000000000000000000 0621 00 00002A 01 05 A141285760F74CE1E95A2164943F53AA 02 0002 5254008EAA11000A", VdpParseError.EntryCountMismatch)]
    // count 1, one entry plus a stray byte inside the TLV
    [InlineData("0A10 6D677231000000000000000000000000 0622 00 00002A 01 05 A141285760F74CE1E95A2164943F53AA 02 0001 5254008EAA11000A FF", VdpParseError.EntryCountMismatch)]
    public void MalformedVdpdusAreRefusedWithTheirReason(string hex, VdpParseError expected)
    {
        byte[] payload = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

        bool parsed = VdpCodec.TryParse(payload, out VdpMessage message, out VdpParseFailure failure);

        Assert.False(parsed);
        Assert.Equal(expected, failure.Error);
        Assert.Null(message.ManagerId);
        Assert.Empty(message.Vsis);
        Assert.DoesNotContain(nameof(VdpParseError), failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMessageWithoutManagerIdParsesButHasNone()
    {
        byte[] payload = VdpCodec.Encode(new VdpMessage(null, [VdpTestKit.Tlv(VdpRequest.Associate, VdpTestKit.Uuid1, VdpTestKit.Mac1, 10)]));

        VdpMessage message = VdpTestKit.Parse(payload);

        Assert.Null(message.ManagerId);
        Assert.Single(message.Vsis);
    }

    [Fact]
    public void RecordsTheWireCannotCarryAreRefusedWhenEncoding()
    {
        VsiTlv good = VdpTestKit.Tlv(VdpRequest.Associate, VdpTestKit.Uuid1, VdpTestKit.Mac1, 10);
        VdpFilter[] tooMany = [.. Enumerable.Range(1, 61).Select(i => VdpFilter.ForMac(VdpTestKit.Mac1, i))];

        Assert.Throws<ArgumentException>(() => VdpCodec.Encode(new VdpMessage(null, [good with { Filters = [VdpFilter.ForVid(10)] }])));
        Assert.Throws<ArgumentException>(() => VdpCodec.Encode(new VdpMessage(null, [good with { Filters = tooMany }])));
        Assert.Throws<ArgumentException>(() => VdpCodec.Encode(new VdpMessage(null, [good with { TypeId = 0x100_0000 }])));
        Assert.Throws<ArgumentException>(() => VdpCodec.Encode(new VdpMessage(null, [good with { Filters = [VdpFilter.ForMac(VdpTestKit.Mac1, 4096)] }])));
        Assert.Throws<ArgumentException>(() => VdpCodec.Encode(new VdpMessage(null, [good with { FilterFormat = (VdpFilterFormat)9 }])));
        Assert.Equal(2 + 25 + (60 * 8) + 2, VdpCodec.Encode(new VdpMessage(null, [good with { Filters = tooMany[..60] }])).Length);
    }

    [Fact]
    public void StatusReadsDifferentlyInRequestsAndAnswers()
    {
        Assert.Equal(VsiHint.MigratingFrom, new VdpStatus(0x20).Hint);
        Assert.False(new VdpStatus(0x20).Keep);
        Assert.Equal(0x75, VdpStatus.Response(VdpError.InvalidFilter, keep: true, hard: true).Value);
        Assert.True(new VdpStatus(0x75).Keep);
        Assert.True(new VdpStatus(0x75).Hard);
        Assert.Equal(VdpError.InvalidFilter, new VdpStatus(0x75).Error);
        Assert.Equal(VdpError.None, new VdpStatus(0x05).Error);   // no response bit: not an answer
        Assert.Equal("0x44 (other failure)", new VdpStatus(0x44).ToString());
    }
}
