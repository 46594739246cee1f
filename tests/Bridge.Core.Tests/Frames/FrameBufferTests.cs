// Tag push and pop move the frame start inside the headroom rather than the whole frame.
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tests.Frames;

public sealed class FrameBufferTests
{
    [Fact]
    public void PushingThenPoppingATagRestoresTheFrameAndMovesOnlyTheOffset()
    {
        byte[] original = new FrameBuilder().From("02:00:00:00:00:0a").To("02:00:00:00:00:0b").Build();
        var buffer = new FrameBuffer(2048);
        Assert.True(buffer.TryCopyFrom(original));
        int offset = buffer.Offset;

        Assert.True(buffer.TryPushTag(EtherTypes.CustomerVlan, (5 << 13) | 42));
        Assert.Equal(offset - 4, buffer.Offset);
        var tagged = new EthernetReader(buffer.Span);
        Assert.Equal(42, tagged.OuterVid);
        Assert.Equal(5, tagged.OuterPcp);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:0b"), tagged.Destination);

        buffer.PopTag();
        Assert.Equal(offset, buffer.Offset);
        Assert.Equal(original, buffer.Span.ToArray());
    }

    [Fact]
    public void ABufferWithoutHeadroomRefusesATagInsteadOfCorruptingTheFrame()
    {
        var buffer = new FrameBuffer(2048, headroom: 0);
        Assert.True(buffer.TryCopyFrom(new FrameBuilder().Build()));
        Assert.False(buffer.TryPushTag(EtherTypes.CustomerVlan, 10));
        Assert.Equal(60, buffer.Length);
    }

    [Fact]
    public void MacAddressesParseInTheFormsNetworkEngineersType()
    {
        var expected = new MacAddress(0x52_54_00_00_00_0A);
        Assert.Equal(expected, MacAddress.Parse("52:54:00:00:00:0a"));
        Assert.Equal(expected, MacAddress.Parse("52-54-00-00-00-0A"));
        Assert.Equal(expected, MacAddress.Parse("5254.0000.000a"));
        Assert.Equal("52:54:00:00:00:0a", expected.ToString());
        Assert.False(MacAddress.TryParse("52:54:00:00:00", out _));
        Assert.False(MacAddress.TryParse("zz:54:00:00:00:0a", out _));
    }
}
