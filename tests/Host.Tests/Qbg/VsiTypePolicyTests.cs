// The bridge's verdict on an association: the type fills in or checks the VID and refuses, with the
// status a station understands, what it cannot apply whole.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;
using Hairpin.Host.Tests.Configuration;

namespace Hairpin.Host.Tests.Qbg;

public sealed class VsiTypePolicyTests
{
    private static readonly MacAddress Vm = MacAddress.Parse("52:54:00:8e:aa:11");
    private static readonly MacAddress OtherVm = MacAddress.Parse("52:54:00:8e:aa:12");

    private static readonly HostConfig Config = ConfigFile.Load(
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 }, evb: { role: bridge, max_vsis: 2 } }
          - { name: hv2, attach: { afpacket: hv2 }, evb: bridge }
        vsi_types:
          - { id: 42, version: 1, vlan: 10, max_macs: 1 }
          - { id: 43, version: 1, vlan: 20, managers: [ mgr1 ] }
        """);

    private static VsiRequestFacts Request(string vsi, int vid, MacAddress? mac = null, int type = 42, int version = 1, string port = "hv1", string? manager = "mgr1") =>
        new(port, vsi, new VsiTypeRef(type, version), manager, [new VsiFilterEntry(mac ?? Vm, vid)]);

    private static VsiAssociation Associated(string vsi, MacAddress mac, int vid, string port = "hv1") =>
        new(port, vsi, new VsiTypeRef(42, 1), [new VsiFilterEntry(mac, vid)]);

    [Fact]
    public void VidZeroIsFilledInWithTheTypesVlan()
    {
        var accepted = Assert.IsType<TypeVerdict.Accepted>(VsiTypePolicy.Evaluate(Request("a", 0), Config, []));

        Assert.Equal([new VsiFilterEntry(Vm, 10)], accepted.Filter);
    }

    [Fact]
    public void TheTypesOwnVidIsAccepted() =>
        Assert.IsType<TypeVerdict.Accepted>(VsiTypePolicy.Evaluate(Request("a", 10), Config, []));

    [Theory]
    [InlineData(99, 1, VdpError.OtherFailure, "no VSI type 99")]
    [InlineData(42, 7, VdpError.OtherFailure, "has no version 7")]
    public void UnknownTypesAndVersionsAreRefused(int type, int version, VdpError code, string reason)
    {
        var refused = Assert.IsType<TypeVerdict.Refused>(VsiTypePolicy.Evaluate(Request("a", 0, type: type, version: version), Config, []));

        Assert.Equal(code, refused.Code);
        Assert.Contains(reason, refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AVidThatIsNotTheTypesIsRefused()
    {
        var refused = Assert.IsType<TypeVerdict.Refused>(VsiTypePolicy.Evaluate(Request("a", 11), Config, []));

        Assert.Equal(VdpError.InvalidFilter, refused.Code);
        Assert.Contains("VID 11 is not type 42 version 1's VLAN 10", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AMacBoundToAnotherVsiIsRefusedOnAnyPort()
    {
        var refused = Assert.IsType<TypeVerdict.Refused>(VsiTypePolicy.Evaluate(Request("b", 0, port: "hv1"), Config, [Associated("a", Vm, 10, port: "hv2")]));

        Assert.Equal(VdpError.InvalidFilter, refused.Code);
        Assert.Contains("already bound to VSI a on port hv2", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeepAliveOfTheSameVsiIsNotAConflictWithItself() =>
        Assert.IsType<TypeVerdict.Accepted>(VsiTypePolicy.Evaluate(Request("a", 10), Config, [Associated("a", Vm, 10)]));

    [Fact]
    public void MoreVsisThanThePortsLimitAreRefusedAsInsufficientResources()
    {
        VsiAssociation[] full = [Associated("a", Vm, 10), Associated("b", OtherVm, 10)];

        var refused = Assert.IsType<TypeVerdict.Refused>(VsiTypePolicy.Evaluate(Request("c", 0, MacAddress.Parse("52:54:00:8e:aa:13")), Config, full));

        Assert.Equal(VdpError.InsufficientResources, refused.Code);
        Assert.IsType<TypeVerdict.Accepted>(VsiTypePolicy.Evaluate(Request("a", 10), Config, full));   // a refresh still fits
    }

    [Fact]
    public void MoreMacsThanTheTypeAllowsAreRefused()
    {
        var request = new VsiRequestFacts("hv1", "a", new VsiTypeRef(42, 1), null, [new VsiFilterEntry(Vm, 0), new VsiFilterEntry(OtherVm, 0)]);

        var refused = Assert.IsType<TypeVerdict.Refused>(VsiTypePolicy.Evaluate(request, Config, []));

        Assert.Equal(VdpError.InsufficientResources, refused.Code);
    }

    [Fact]
    public void AManagerNotListedByTheTypeIsRefused()
    {
        Assert.IsType<TypeVerdict.Accepted>(VsiTypePolicy.Evaluate(Request("a", 0, type: 43, manager: "mgr1"), Config, []));

        var refused = Assert.IsType<TypeVerdict.Refused>(VsiTypePolicy.Evaluate(Request("a", 0, type: 43, manager: "rogue"), Config, []));

        Assert.Equal(VdpError.VsiManagerUnreachable, refused.Code);
    }
}
