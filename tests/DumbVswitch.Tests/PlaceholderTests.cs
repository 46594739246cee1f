// Replaced by the VEPA behaviour tests.
namespace Hairpin.DumbVswitch.Tests;

public sealed class PlaceholderTests
{
    [Fact]
    public void TheDumbVswitchAssemblyLoads() => Assert.Equal("dumb-vswitch", typeof(Hairpin.DumbVswitch.Program).Assembly.GetName().Name);
}
