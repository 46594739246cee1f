// The value syntaxes: tc's rates (decimal) and sizes (binary), durations, masks, VLAN lists.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration.Yaml;

namespace Hairpin.Host.Tests.Configuration;

public sealed class ConfigScalarsTests
{
    [Theory]
    [InlineData("500kbit", 500_000)]
    [InlineData("10mbit", 10_000_000)]
    [InlineData("1gbit", 1_000_000_000)]
    [InlineData("2.5Gbit", 2_500_000_000)]
    [InlineData("64000", 64_000)]
    public void RatesAreBitsPerSecondInPowersOfAThousand(string text, long bitsPerSecond) =>
        Assert.Equal(bitsPerSecond, ConfigScalars.BitRate(text));

    [Theory]
    [InlineData("15000", 15_000)]
    [InlineData("15k", 15 * 1024)]
    [InlineData("15kb", 15 * 1024)]
    [InlineData("1m", 1024 * 1024)]
    [InlineData("1500b", 1500)]
    public void SizesAreBytesInPowersOf1024AsTcReadsThem(string text, long bytes) =>
        Assert.Equal(bytes, ConfigScalars.ByteSize(text));

    [Theory]
    [InlineData("300", 300_000)]
    [InlineData("300s", 300_000)]
    [InlineData("100ms", 100)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("30d", 2_592_000_000)]
    public void DurationsTakeUnitsAndABareNumberIsSeconds(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ConfigScalars.Duration(text));

    [Theory]
    [InlineData("8761h")]
    [InlineData("366d")]
    [InlineData("99999999999999999999999999999999s")]
    public void DurationsBeyondAYearAreAFormatErrorNotAnOverflow(string text) =>
        Assert.Throws<FormatException>(() => ConfigScalars.Duration(text));

    [Theory]
    [InlineData("52:54:00:00:00:00/24", 0xFFFF_FF00_0000UL)]
    [InlineData("52:54:00:00:00:00/ff:ff:00:00:00:00", 0xFFFF_0000_0000UL)]
    [InlineData("52:54:00:00:00:00", 0xFFFF_FFFF_FFFFUL)]
    public void MacMasksAreAMacOrALeadingBitCount(string text, ulong mask) =>
        Assert.Equal(new MacAddress(mask), ConfigScalars.MacWithMask(text).Mask);

    [Fact]
    public void VlanListsTakeRanges() =>
        Assert.Equal("1,10-12,4094", ConfigScalars.VlanList("1, 10-12,4094").ToString());

    [Theory]
    [InlineData("hairpn", "hairpin")]
    [InlineData("mcast-flood", "mcast_flood")]
    [InlineData("ageing", "ageing_time")]
    [InlineData("colour", null)]
    public void TyposFindTheNearestKnownKey(string typed, string? nearest) =>
        Assert.Equal(nearest, NearestName.Find(typed, ["hairpin", "mcast_flood", "ageing_time", "vlan"]));
}
