// The 802.1Qbg keys of the bridge's file: `evb:` ports, `hairpin: auto`, and the VSI types (port
// profiles), with their errors located at the line that causes them.
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

public sealed class EvbConfigTests
{
    private const string Profiles =
        """
        ports:
          - name: hv1
            attach: { afpacket: hv1 }
            evb: bridge
          - name: hv2
            attach: { afpacket: hv2 }
            evb: { role: bridge, keep_alive_exponent: 21, max_vsis: 8 }
            hairpin: false
          - name: up
            attach: { afpacket: up }
        acls:
          - name: web-tier
            rules:
              - { name: all, action: permit }
        meters:
          - { name: vm-cap, cir: 10mbit, cbs: 15000 }
        vsi_types:
          - id: 42
            version: 1
            vlan: 10
            acl: web-tier
            meter: vm-cap
            max_macs: 1
            managers: [ mgr1 ]
          - { id: 43, vlan: 20 }
        """;

    [Fact]
    public void AnEvbPortFollowsTheNegotiationUnlessItsHairpinIsPinned()
    {
        HostConfig config = ConfigFile.Load(Profiles);

        Assert.Equal(["hv1", "hv2"], config.Evb.Select(evb => evb.Port));
        Assert.Equal(HairpinMode.Auto, config.Evb[0].Hairpin);
        Assert.Equal(HairpinMode.Off, config.Evb[1].Hairpin);
        Assert.False(config.Bridge.Ports[0].Hairpin);   // auto starts off: the negotiation turns it on
        Assert.Equal(21, config.Evb[1].KeepAliveExponent);
        Assert.Equal(8, config.Evb[1].MaxVsis);
        Assert.Equal(20, config.Evb[0].KeepAliveExponent);
    }

    [Fact]
    public void VsiTypesLoadWithTheirPolicyAndDefaults()
    {
        HostConfig config = ConfigFile.Load(Profiles);

        VsiTypeConfig web = config.VsiTypes[0];
        Assert.Equal((42, 1, 10, "web-tier", "vm-cap", 1), (web.Id, web.Version, web.Vlan, web.Acl, web.Meter, web.MaxMacs));
        Assert.Equal(["mgr1"], web.Managers);
        VsiTypeConfig plain = config.VsiTypes[1];
        Assert.Equal((43, 0, 20, null, null, 0), (plain.Id, plain.Version, plain.Vlan, plain.Acl, plain.Meter, plain.MaxMacs));
        Assert.Empty(plain.Managers);
    }

    [Theory]
    [InlineData("hairpin: auto", "port up needs 'evb: bridge'", 4)]
    [InlineData("evb: station", "'station' is the dumb vswitch's role", 4)]
    [InlineData("evb: { role: bridge, max_retries: 9 }", "max_retries", 4)]
    public void BadEvbPortSettingsAreLocated(string line, string expected, int lineNumber)
    {
        string yaml = $"""
            ports:
              - name: up
                attach: {"{"} afpacket: up {"}"}
                {line}
            """;

        string error = Assert.Single(ConfigFile.Errors(yaml));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith($"{lineNumber}:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- { id: 42, version: 1, vlan: 10, acl: nope }", "no acl named 'nope'")]
    [InlineData("- { id: 42, vlan: 10, meter: nope }", "no meter named 'nope'")]
    [InlineData("- { id: 16777216, vlan: 10 }", "id")]
    [InlineData("- { id: 42 }", "needs 'vlan'")]
    [InlineData("- { id: 42, vlan: 4095 }", "vlan")]
    [InlineData("- { id: 42, vlan: 10, managers: [ a-manager-id-longer-than-16 ] }", "VSI manager ID")]
    public void BadVsiTypesAreRefusedAtTheirLine(string item, string expected)
    {
        string yaml = $"""
            ports:
              - name: hv1
                attach: {"{"} afpacket: hv1 {"}"}
            vsi_types:
              {item}
            """;

        string error = Assert.Single(ConfigFile.Errors(yaml));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("5:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ATypeDefinedTwiceIsRefused()
    {
        string error = Assert.Single(ConfigFile.Errors(
            """
            ports:
              - { name: hv1, attach: { afpacket: hv1 } }
            vsi_types:
              - { id: 42, version: 1, vlan: 10 }
              - { id: 42, version: 1, vlan: 20 }
            """));

        Assert.Contains("type 42 version 1 is defined twice", error, StringComparison.Ordinal);
        Assert.StartsWith("5:", error, StringComparison.Ordinal);
    }
}
