// Hairpin's two halves speaking 802.1Qbg to each other, as real processes in their own namespaces:
// the dumb vswitch announces each VM (VDP over ECP) with its VSI type, the appliance applies the
// type's VLAN and policy and negotiates reflective relay with the station's LLDP. Nobody types a
// hairpin or a VLAN: the VMs reach each other through the negotiated hairpin, host C through VLAN 10
// the bridge assigned; then a reloaded type whose ACL denies the other VM stops exactly that.
using System.Text.Json;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class QbgBothHalvesTests
{
    private static readonly LabVm A = new("vm-a", "02:94:00:00:00:0a", "169.254.94.1",
        Vsi: "{ type: 42, version: 1, uuid: 5d3a1e2c-0000-4000-8000-00000000000a, manager: test }");
    private static readonly LabVm B = new("vm-b", "02:94:00:00:00:0b", "169.254.94.2",
        Vsi: "{ type: 43, version: 1, uuid: 5d3a1e2c-0000-4000-8000-00000000000b, manager: test }");

    private const string Types =
        """
        acls:
          - name: not-to-b
            default: permit
            rules:
              - { name: deny-b, action: deny, dst_ip: 169.254.94.2/32 }
        vsi_types:
          - { id: 42, version: 1, vlan: 10 }
          - { id: 43, version: 1, vlan: 10 }
        """;

    [Fact(Timeout = 120_000)]
    public async Task AnnouncedVmsReachEachOtherThroughTheNegotiatedHairpinUntilTheirTypeDeniesIt()
    {
        await using VswitchApplianceLab lab = await VswitchApplianceLab.StartAsync([A, B],
            hv1Settings: "    evb: bridge", hv2Settings: "    vlan: 10", bridgeSettings: Types);
        NetNamespace vmA = lab.Vm(A.Name);
        NetNamespace vmB = lab.Vm(B.Name);
        await VswitchApplianceLab.StaticNeighbourAsync(vmA, B.Address, B.Mac);
        await VswitchApplianceLab.StaticNeighbourAsync(vmB, A.Address, A.Mac);
        await VswitchApplianceLab.StaticNeighbourAsync(vmA, VswitchApplianceLab.AddressC, VswitchApplianceLab.MacC);

        Assert.True(await Eventually.HoldsAsync(() => AssociatedOnBridge(lab) == 2, 30_000), $"both VMs associated on hv1{lab.Diagnostics()}");
        Assert.True(await Eventually.HoldsAsync(() => lab.Appliance.Cli("link", "show", "dev", "hv1").Output.Contains("on (negotiated)", StringComparison.Ordinal), 15_000),
            $"hairpin negotiated on hv1{lab.Diagnostics()}");
        using (JsonDocument station = JsonDocument.Parse(lab.Vswitch.Cli("--json", "vsi", "show").Output))
        {
            Assert.All(station.RootElement.EnumerateArray(), vsi =>
            {
                Assert.Equal("associated", vsi.GetProperty("state").GetString());
                Assert.Equal(10, vsi.GetProperty("filter")[0].GetProperty("vid").GetInt32());   // assigned by the bridge: the VMs asked for 0
            });
        }

        Assert.True(await NetLab.PingAsync(vmA.Name, B.Address) >= 2, $"A reaches B through the negotiated hairpin{lab.Diagnostics()}");
        Assert.True(await NetLab.PingAsync(vmB.Name, A.Address) >= 2, $"B reaches A{lab.Diagnostics()}");
        Assert.True(await NetLab.PingAsync(vmA.Name, VswitchApplianceLab.AddressC) >= 2, $"A reaches host C in VLAN 10{lab.Diagnostics()}");

        string file = await File.ReadAllTextAsync(lab.Appliance.ConfigFile);
        await File.WriteAllTextAsync(lab.Appliance.ConfigFile,
            file.Replace("{ id: 42, version: 1, vlan: 10 }", "{ id: 42, version: 1, vlan: 10, acl: not-to-b }", StringComparison.Ordinal));
        var (exit, _, error) = lab.Appliance.Cli("config", "reload");
        Assert.True(exit == 0, error);

        Assert.Equal(0, await NetLab.PingAsync(vmA.Name, B.Address));
        Assert.True(await NetLab.PingAsync(vmA.Name, VswitchApplianceLab.AddressC) >= 2, $"A still reaches host C{lab.Diagnostics()}");
        Assert.Equal(2, AssociatedOnBridge(lab));   // the type changed its policy, not its VLAN: both stay associated
        using JsonDocument vsis = JsonDocument.Parse(lab.Appliance.Cli("--json", "vsi", "show").Output);
        JsonElement vmAVsi = vsis.RootElement.EnumerateArray().Single(vsi => vsi.GetProperty("typeId").GetInt32() == 42);
        Assert.True(vmAVsi.GetProperty("counters").GetProperty("drops").GetProperty("acl-denied").GetInt64() >= 3, lab.Diagnostics());
    }

    private static int AssociatedOnBridge(VswitchApplianceLab lab)
    {
        using JsonDocument vsis = JsonDocument.Parse(lab.Appliance.Cli("--json", "vsi", "show").Output);
        return vsis.RootElement.EnumerateArray().Count(vsi => vsi.GetProperty("state").GetString() == "associated");
    }
}
