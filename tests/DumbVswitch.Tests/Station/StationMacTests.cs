// Which address the uplink's station sends from: configured, the afpacket interface's own, or made up
// the same way at every start.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Station;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Tests.Station;

public sealed class StationMacTests : IDisposable
{
    private readonly string _sys = Directory.CreateTempSubdirectory("hairpin-sys-").FullName;

    public void Dispose() => Directory.Delete(_sys, recursive: true);

    [Fact]
    public void ConfiguredMacWins()
    {
        var mac = MacAddress.Parse("02:00:00:00:5a:01");

        Assert.Equal(mac, StationMac.Resolve(new StationConfig { Mac = mac }, new AfPacketAttach("eth1"), _sys));
    }

    [Fact]
    public void AfPacketUplinkUsesItsInterfacesAddress()
    {
        Directory.CreateDirectory(Path.Combine(_sys, "eth1"));
        File.WriteAllText(Path.Combine(_sys, "eth1", "address"), "52:54:00:12:34:56\n");

        Assert.Equal(MacAddress.Parse("52:54:00:12:34:56"), StationMac.Resolve(new StationConfig(), new AfPacketAttach("eth1"), _sys));
    }

    [Fact]
    public void OtherwiseALocallyAdministeredUnicastMacFromTheUplinksName()
    {
        MacAddress missing = StationMac.Resolve(new StationConfig(), new AfPacketAttach("eth9"), _sys);
        MacAddress stream = StationMac.Resolve(new StationConfig(), new StreamAttach("/run/up.sock", Listen: true), _sys);

        Assert.Equal(StationMac.Derived("afpacket:eth9"), missing);
        Assert.Equal(stream, StationMac.Resolve(new StationConfig(), new StreamAttach("/run/up.sock", Listen: true), _sys));
        Assert.NotEqual(missing, stream);
        Assert.All([missing, stream], mac =>
        {
            Assert.False(mac.IsGroup);
            Assert.Equal(0x02UL, (mac.Value >> 40) & 0x03);   // locally administered, unicast
        });
    }
}
