// `hairpin acl show` as an operator reads it on an 802.1Qbg bridge: every VM that associates publishes
// a new configuration (its VSI binding, its type's ACL on its MAC), and the hit counters of the ACLs
// that publish left alone run on (specs/acl.md), as iptables' and NX-OS's do, instead of restarting
// whenever some VM comes or goes.
using System.Text.Json;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Qbg;

public sealed class AclCountersAcrossVmsTests
{
    private static readonly MacAddress SecondVmMac = MacAddress.Parse("52:54:00:8e:aa:12");
    private static readonly VsiId SecondVmId = VsiId.ParseUuid("a1412857-60f7-4ce1-e95a-2164943f53bb");

    [Fact]
    public async Task ASecondVmAssociatingLeavesTheFirstVmsAclCountersRunning()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();
        await lab.AssociateVmAsync();
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.HostAddress));
        await lab.SettleAsync();
        Assert.Equal((2, 1), WebTierHits(lab));

        // Another VM of the same type: a publish (its binding and its ACL on its MAC), the ACL unchanged.
        lab.Station.Vdp.Associate(new VsiRequestSpec(VdpManagerId.FromText("mgr1"), 42, 1, SecondVmId, SecondVmMac));
        await lab.AdvanceAsync(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50));   // ECP spaces a station's requests (EcpEndpoint.LldpadRequestSpacing): let the clock run
        Assert.Equal(StationVsiState.Associated, lab.Station.Vsi(SecondVmId).State);
        Assert.Equal(2, lab.Runtime.Engine.Config.VmAcls.Count);   // it did publish: both VMs' MACs carry the type's ACL

        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));
        await lab.SettleAsync();
        Assert.Equal((3, 1), WebTierHits(lab));
    }

    /// <summary>web-tier's deny rule (no-admin-host) and its default (permit), in frames, from `hairpin acl show web-tier --json`.</summary>
    private static (long Denied, long Default) WebTierHits(QbgBridgeLab lab)
    {
        var (exit, output, error) = lab.Cli("--json", "acl", "show", "web-tier");
        Assert.True(exit == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement acl = Assert.Single(json.RootElement.EnumerateArray());
        return (acl.GetProperty("rules")[0].GetProperty("hits").GetProperty("frames").GetInt64(),
            acl.GetProperty("defaultHits").GetProperty("frames").GetInt64());
    }
}
