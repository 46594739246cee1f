// MVRPDUs that arrive with an 802.1Q tag: a priority tag (VID 0, whatever its PCP and DEI) is read as
// an untagged MVRPDU; a tag with a VID is refused as VlanTagged (a participant inside that VLAN, not the
// port's); a tagged frame cut short or carrying a broken PDU is refused by reason like an untagged one,
// and no tagged bytes make the decoder throw.
using Hairpin.Bridge.Core.Mrp;
using static Hairpin.Bridge.Core.Tests.Infrastructure.MvrpWire;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public class MvrpPduTagTests
{
    private const string AddressesHex = "0180C2000021" + "525400123456";
    private const string PduHex = "00" + "0102" + "0003000A" + "09" + "00000000";   // VIDs 10, 11, 12: New, JoinIn, JoinMt ((0 x 6 + 1) x 6 + 3 = 9)

    private static byte[] Tagged(string tciHex, string pduHex = PduHex) => Convert.FromHexString(AddressesHex + "8100" + tciHex + "88F5" + pduHex);

    private static (MvrpError Error, MvrpMessage Message) Decode(byte[] frame)
    {
        var message = new MvrpMessage();
        return (MvrpPdu.Decode(frame, message), message);
    }

    [Theory]
    [InlineData("0000")]   // PCP 0
    [InlineData("E000")]   // PCP 7, as switches send control frames
    [InlineData("F000")]   // PCP 7 and DEI
    public void APriorityTaggedMvrpduReadsAsTheUntaggedOne(string tciHex)
    {
        (MvrpError untaggedError, MvrpMessage untagged) = Decode(Frame(PduHex));
        (MvrpError error, MvrpMessage message) = Decode(Tagged(tciHex));

        Assert.Equal((MvrpError.None, MvrpError.None), (untaggedError, error));
        Assert.Equal([new VidEvent(10, MrpAttributeEvent.New), new VidEvent(11, MrpAttributeEvent.JoinIn), new VidEvent(12, MrpAttributeEvent.JoinMt)], message.Events);
        Assert.Equal(untagged.Events, message.Events);
    }

    [Theory]
    [InlineData("0001")]   // VID 1
    [InlineData("E00A")]   // VID 10, PCP 7
    [InlineData("0FFE")]   // VID 4094
    [InlineData("0FFF")]   // the reserved VID 4095
    public void AnMvrpduTaggedWithAVidIsRefusedAsVlanTagged(string tciHex)
    {
        (MvrpError error, MvrpMessage message) = Decode(Tagged(tciHex));

        Assert.Equal(MvrpError.VlanTagged, error);
        Assert.Empty(message.Events);
        Assert.False(message.LeaveAll);
    }

    [Theory]
    [InlineData(15)]   // inside the tag
    [InlineData(17)]   // inside the EtherType after it
    [InlineData(18)]   // the tag and EtherType, no ProtocolVersion
    public void ATaggedFrameCutBeforeItsProtocolVersionIsTooShort(int size)
    {
        Assert.Equal(MvrpError.TooShort, Decode(Tagged("0000")[..size]).Error);
    }

    [Theory]
    [InlineData("00" + "0102" + "0004000A42", MvrpError.Truncated)]
    [InlineData("00" + "0102" + "0003000AD8" + "00000000", MvrpError.BadEvent)]
    [InlineData("00" + "0103" + "0001000A24", MvrpError.BadAttributeLength)]
    [InlineData("00" + "0102" + "00010000" + "24" + "00000000", MvrpError.BadVid)]
    public void APriorityTaggedPduThatIsBrokenIsRefusedByItsReason(string pduHex, MvrpError expected)
    {
        Assert.Equal(expected, Decode(Tagged("E000", pduHex)).Error);
    }

    [Fact]
    public void ATaggedMvrpduWithABrokenPduIsVlanTaggedWhateverItsBody()
    {
        Assert.Equal(MvrpError.VlanTagged, Decode(Tagged("0064", "00" + "0102" + "0004000A42")).Error);   // refused for the VLAN before the body is read
    }

    [Fact]
    public void NoTaggedBytesMakeTheDecoderThrow()
    {
        var random = new Random(20_261_205);
        byte[] valid = Tagged("E000");
        var seen = new HashSet<MvrpError>();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] frame = [.. valid];
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                frame[random.Next(12, frame.Length)] ^= (byte)(1 << random.Next(8));   // the tag, the EtherType and the PDU
            }
            int size = random.Next(4) == 0 ? random.Next(0, frame.Length) : frame.Length;
            var message = new MvrpMessage();
            MvrpError error = MvrpPdu.Decode(frame.AsSpan(0, size), message);
            Assert.True(Enum.IsDefined(error), $"case {i}: undefined answer {error}");
            Assert.All(message.Events, e => Assert.InRange(e.Vid, 1, 4094));
            seen.Add(error);
        }
        Assert.Contains(MvrpError.None, seen);
        Assert.Contains(MvrpError.VlanTagged, seen);
        Assert.Contains(MvrpError.TooShort, seen);
        Assert.Contains(MvrpError.NotMvrp, seen);
    }
}
