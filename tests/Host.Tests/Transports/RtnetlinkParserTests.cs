// The carrier watcher's netlink reading over byte arrays (no socket): link messages with and without
// an operational state, several in one datagram, unknown attributes stepped over, and every way the
// lengths can lie reported Malformed rather than thrown.
using Hairpin.Host.Transports;
using static Hairpin.Host.Tests.Infrastructure.RtnetlinkBytes;

namespace Hairpin.Host.Tests.Transports;

public sealed class RtnetlinkParserTests
{
    private static List<RtnetlinkMessage> ParseAll(byte[] datagram)
    {
        var messages = new List<RtnetlinkMessage>();
        ReadOnlySpan<byte> rest = datagram;
        while (RtnetlinkParser.TryTakeNext(ref rest, out RtnetlinkMessage message))
        {
            messages.Add(message);
        }
        return messages;
    }

    private static RtnetlinkMessage ParseOne(byte[] datagram) => Assert.Single(ParseAll(datagram));

    [Fact]
    public void AVethWhosePeerWentDownIsUpWithoutCarrier()
    {
        RtnetlinkMessage message = ParseOne(Link(7, IffUp | IffBroadcast, attributes: [Name("hpva1"), OperState(OperLowerLayerDown)]));

        Assert.Equal(RtnetlinkKind.Link, message.Kind);
        Assert.Equal(new LinkReport(7, IffUp | IffBroadcast, OperLowerLayerDown, Deleted: false), message.Link);
        Assert.Equal(LinkCarrier.Absent, message.Link.Carrier);
    }

    [Fact]
    public void AnInterfaceUpWithLowerLayerUpAndOperStateUpHasCarrier()
    {
        RtnetlinkMessage message = ParseOne(Link(7, IffUp | IffRunning | IffLowerUp, attributes: [OperState(OperUp)]));

        Assert.Equal(LinkCarrier.Present, message.Link.Carrier);
    }

    [Theory]
    [InlineData(IffUp | IffLowerUp, nameof(LinkCarrier.Present))]
    [InlineData(IffUp, nameof(LinkCarrier.Absent))]
    [InlineData(IffLowerUp, nameof(LinkCarrier.AdminDown))]
    [InlineData(0u, nameof(LinkCarrier.AdminDown))]
    public void WithoutAnOperationalStateTheLowerUpFlagDecides(uint flags, string expected)
    {
        RtnetlinkMessage message = ParseOne(Link(3, flags));

        Assert.Null(message.Link.OperState);
        Assert.Equal(expected, message.Link.Carrier.ToString());
    }

    [Fact]
    public void AnUnknownOperationalStateCountsAsCarrierAsTheLinuxBridgeCountsIt()
    {
        Assert.Equal(LinkCarrier.Present, ParseOne(Link(3, IffUp, attributes: [OperState(0)])).Link.Carrier);
        Assert.Equal(LinkCarrier.Absent, ParseOne(Link(3, IffUp | IffLowerUp, attributes: [OperState(OperDown)])).Link.Carrier);
    }

    [Fact]
    public void ADeletedLinkIsGone()
    {
        RtnetlinkMessage message = ParseOne(Link(9, IffUp | IffLowerUp, type: DelLink));

        Assert.True(message.Link.Deleted);
        Assert.Equal(LinkCarrier.Gone, message.Link.Carrier);
    }

    [Fact]
    public void UnknownAttributesAndFlaggedTypesAreSteppedOver()
    {
        byte[] nested = Attribute(0x8000 | 26, 1, 2, 3, 4, 5);   // NLA_F_NESTED with an odd payload: padded
        RtnetlinkMessage message = ParseOne(Link(4, IffUp, attributes: [Attribute(IflaMtu, 0xDC, 5, 0, 0), nested, Attribute(999), OperState(OperLowerLayerDown)]));

        Assert.Equal(RtnetlinkKind.Link, message.Kind);
        Assert.Equal(OperLowerLayerDown, message.Link.OperState);
    }

    [Fact]
    public void SeveralMessagesInOneDatagramAreReadInOrder()
    {
        List<RtnetlinkMessage> messages = ParseAll(Datagram(
            Link(1, IffUp | IffLowerUp, attributes: [OperState(OperUp)]),
            Message(Done, 0, new byte[4]),
            Link(2, IffUp, attributes: [OperState(OperLowerLayerDown)])));

        Assert.Equal([RtnetlinkKind.Link, RtnetlinkKind.Ignored, RtnetlinkKind.Link], messages.Select(m => m.Kind));
        Assert.Equal([1, 2], messages.Where(m => m.Kind == RtnetlinkKind.Link).Select(m => m.Link.Index));
    }

    [Fact]
    public void AnErrorAnswerNamesTheRequestItAnswersAndAnAcknowledgementIsIgnored()
    {
        RtnetlinkMessage error = ParseOne(ErrorAnswer(sequence: 12, errno: 19));
        Assert.Equal((RtnetlinkKind.Error, 12u, 19), (error.Kind, error.Sequence, error.Error));

        Assert.Equal(RtnetlinkKind.Ignored, ParseOne(ErrorAnswer(sequence: 12, errno: 0)).Kind);
    }

    [Theory]
    [InlineData(0)]     // nothing of the header
    [InlineData(10)]    // part of the header
    [InlineData(20)]    // header and part of ifinfomsg
    [InlineData(33)]    // ifinfomsg and part of an attribute
    public void ATruncatedDatagramIsMalformed(int keep)
    {
        byte[] whole = Link(5, IffUp, attributes: [OperState(OperUp)]);
        byte[] truncated = whole[..keep];

        List<RtnetlinkMessage> messages = ParseAll(truncated);

        Assert.Equal(keep == 0 ? [] : [RtnetlinkKind.Malformed], messages.Select(m => m.Kind));
    }

    [Fact]
    public void AMessageLengthBeyondTheDatagramOrBelowTheHeaderIsMalformedAndEndsTheDatagram()
    {
        byte[] tooLong = Link(5, IffUp);
        tooLong[0] = 200;
        byte[] tooShort = Link(5, IffUp);
        tooShort[0] = 8;

        Assert.Equal([RtnetlinkKind.Malformed], ParseAll(Datagram(tooLong, Link(6, IffUp))).Select(m => m.Kind));
        Assert.Equal([RtnetlinkKind.Malformed], ParseAll(Datagram(tooShort, Link(6, IffUp))).Select(m => m.Kind));
    }

    [Fact]
    public void ALinkMessageShorterThanIfinfomsgIsMalformed()
    {
        Assert.Equal(RtnetlinkKind.Malformed, ParseOne(Message(NewLink, 0, new byte[12])).Kind);
        Assert.Equal(RtnetlinkKind.Malformed, ParseOne(Message(Error, 0, new byte[2])).Kind);
    }

    [Theory]
    [InlineData(2)]     // shorter than its own header
    [InlineData(64)]    // longer than what is left of the message
    public void AnAttributeWhoseLengthLiesMakesTheMessageMalformed(ushort attributeLength)
    {
        byte[] message = Link(5, IffUp, attributes: [OperState(OperUp)]);
        message[32] = (byte)attributeLength;
        message[33] = (byte)(attributeLength >> 8);

        Assert.Equal(RtnetlinkKind.Malformed, ParseOne(message).Kind);
    }

    [Fact]
    public void AnOperationalStateWithoutItsByteIsMalformed()
    {
        Assert.Equal(RtnetlinkKind.Malformed, ParseOne(Link(5, IffUp, attributes: [Attribute(IflaOperState)])).Kind);
    }

    [Fact]
    public void TheGetLinkRequestAsksForOneIndexWithTheIndexAsItsSequenceNumber()
    {
        byte[] request = new byte[RtnetlinkRequest.GetLinkSize];
        RtnetlinkRequest.WriteGetLink(request, 0x01020304);

        Assert.Equal(
            "20000000" + "1200" + "0100" + "04030201" + "00000000"   // nlmsghdr: 32 bytes, RTM_GETLINK, NLM_F_REQUEST, seq = index, to the kernel
            + "00" + "00" + "0000" + "04030201" + "00000000" + "00000000",   // ifinfomsg: AF_UNSPEC, index, no flags or change mask
            Convert.ToHexString(request));
    }
}
