// A VM that associates on another evb: port of the same bridge (two servers, one bridge: a live
// migration) moves there: bound on exactly one port, the old station told, its counters its own.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;
using Hairpin.Host.Tests.Configuration;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Qbg;

public sealed class QbgPlaneMoveTests
{
    private static readonly MacAddress Vm = MacAddress.Parse("52:54:00:8e:aa:11");
    private static readonly VsiId VmId = VsiId.ParseUuid("a1412857-60f7-4ce1-e95a-2164943f53aa");

    private static readonly HostConfig Config = ConfigFile.Load(
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 }, evb: bridge }
          - { name: hv2, attach: { afpacket: hv2 }, evb: bridge }
        vsi_types:
          - { id: 42, version: 1, vlan: 10 }
        """);

    [Fact]
    public void AVmAssociatedOnAnotherPortMovesThereAndTheOldStationIsTold()
    {
        var lab = new TwoStationPlane(Config);
        lab.Servers[0].Vdp.Associate(new VsiRequestSpec(VdpManagerId.FromText("mgr1"), 42, 1, VmId, Vm));
        lab.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal(["hv1"], lab.Plane.Associations().Select(vsi => vsi.Port));

        lab.Servers[1].Vdp.Associate(new VsiRequestSpec(VdpManagerId.FromText("mgr1"), 42, 1, VmId, Vm));
        lab.RunFor(TimeSpan.FromSeconds(5));

        VsiAssociation moved = Assert.Single(lab.Plane.Associations());
        Assert.Equal(("hv2", 10), (moved.Port, moved.Filter[0].Vid));
        Assert.Equal(["hv2"], lab.Published!.Associations.Select(vsi => vsi.Port));   // published bound on one port only
        Assert.Equal(StationVsiState.Associated, lab.Servers[1].Vdp.Vsis.Single().State);
        Assert.NotEqual(StationVsiState.Associated, lab.Servers[0].Vdp.Vsis.Single().State);   // told by a De-Associate
        Assert.Contains(lab.Log.Lines, line => line.Message.Contains($"VSI {VmId} moved from port hv1 to port hv2", StringComparison.Ordinal));
        Assert.DoesNotContain(lab.Log.Lines, line => line.Message.Contains("refused the 802.1Qbg state", StringComparison.Ordinal));
    }
}
