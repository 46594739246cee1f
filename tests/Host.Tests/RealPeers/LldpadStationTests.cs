// lldpad, the 802.1Qbg station libvirt drives, against the real appliance: the EVB exchange decides
// hairpin by itself, vdptool's associations get the type's VLAN or a refusal, keep-alives hold a VSI
// and De-Associate removes it, and only an associated VM's frames pass, under its type's ACL.
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class LldpadStationTests
{
    private static readonly TimeSpan Negotiation = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheEvbExchangeWithLldpadTurnsHairpinOnAndOffByItself()
    {
        await using LldpadStationLab lab = await LldpadStationLab.StartAsync();

        await Eventually.TrueAsync(() => Hv1(lab).Hairpin, "hairpin on hv1 negotiated on", Negotiation);
        Assert.Equal(("auto", true), (Hv1(lab).Mode, Hv1(lab).Negotiated));
        Assert.Contains("on (negotiated)", lab.Appliance.Cli("link", "show", "dev", "hv1").Output, StringComparison.Ordinal);
        // Our side turns hairpin on as it hears RRREQ; lldpad hears our RRCTR in the next (fast) LLDPDU.
        await lab.WaitForEvbAsync();
        string neighbors = lab.Appliance.Cli("lldp", "neighbors", "dev", "hv1").Output;
        Assert.Contains("station:rrreq", neighbors, StringComparison.Ordinal);

        await lab.Station.SetEvbAsync("evbrrreq=no");
        await Eventually.TrueAsync(() => !Hv1(lab).Hairpin, "hairpin off once the station stops asking", Negotiation);
        await lab.Station.SetEvbAsync("evbrrreq=yes");
        await Eventually.TrueAsync(() => Hv1(lab).Hairpin, "hairpin on again when it asks again", Negotiation);
        await lab.Station.SetAdminStatusAsync("disabled");   // LLDP's shutdown PDU: the neighbour is gone at once
        await Eventually.TrueAsync(() => !Hv1(lab).Hairpin, "hairpin off when lldpad's LLDP stops", Negotiation);
        Assert.DoesNotContain("hv1", lab.Appliance.Cli("lldp", "neighbors").Output.Split('\n').Skip(1).FirstOrDefault() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppingLldpadTurnsHairpinOffAndTakesItsVsis()
    {
        await using LldpadStationLab lab = await LldpadStationLab.StartAsync();
        await lab.WaitForEvbAsync();
        VdpAnswer associated = await lab.Station.RequestAsync("assoc", 42, 1, LldpadStationLab.VmUuid, $"0-{LldpadStationLab.VmMac}");
        Assert.True(associated.Accepted, associated.Output + lab.Diagnostics());
        await Eventually.TrueAsync(() => Hv1(lab).Hairpin, "hairpin negotiated on", Negotiation);

        await lab.Station.StopAsync();

        await Eventually.TrueAsync(() => !Hv1(lab).Hairpin, "hairpin off once lldpad stopped", Negotiation);
        await Eventually.TrueAsync(() => Vsis(lab).Count == 0, "its VSI gone with it", Negotiation);
    }

    [Fact]
    public async Task VdptoolAssociationsGetTheTypesVlanOrAStatedRefusal()
    {
        await using LldpadStationLab lab = await LldpadStationLab.StartAsync();
        await lab.WaitForEvbAsync();

        VdpAnswer assigned = await lab.Station.RequestAsync("assoc", 42, 1, LldpadStationLab.VmUuid, $"0-{LldpadStationLab.VmMac}");
        VdpAnswer explicitVid = await lab.Station.RequestAsync("assoc", 42, 1, LldpadStationLab.SecondVmUuid, $"10-{LldpadStationLab.SecondVmMac}");
        VdpAnswer unknownType = await lab.Station.RequestAsync("assoc", 99, 1, "a1412857-60f7-4ce1-e95a-2164943f53ac", "0-52:54:00:8e:aa:13");
        VdpAnswer wrongVid = await lab.Station.RequestAsync("assoc", 42, 1, "a1412857-60f7-4ce1-e95a-2164943f53ad", "11-52:54:00:8e:aa:14");

        Assert.True(assigned.Accepted, assigned.Output + lab.Diagnostics());
        Assert.Equal($"10-{LldpadStationLab.VmMac}", assigned.Filter);
        Assert.True(explicitVid.Accepted, explicitVid.Output + lab.Diagnostics());
        Assert.True(unknownType.Refused, unknownType.Output + lab.Diagnostics());
        Assert.True(wrongVid.Refused, wrongVid.Output + lab.Diagnostics());
        List<JsonElement> vsis = Vsis(lab);
        Assert.Equal([LldpadStationLab.VmUuid, LldpadStationLab.SecondVmUuid], vsis.Select(vsi => vsi.GetProperty("vsiId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(vsis, vsi => Assert.Equal("associated", vsi.GetProperty("state").GetString()));
        Assert.Contains("no VSI type 99 is configured", lab.Appliance.Log, StringComparison.Ordinal);
        Assert.Contains("VID 11 is not type 42 version 1's VLAN 10", lab.Appliance.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepAlivesHoldAVsiAcrossManyPeriodsAndDeAssociateRemovesIt()
    {
        await using LldpadStationLab lab = await LldpadStationLab.StartAsync();
        await lab.WaitForEvbAsync();
        VdpAnswer associated = await lab.Station.RequestAsync("assoc", 42, 1, LldpadStationLab.VmUuid, $"0-{LldpadStationLab.VmMac}");
        Assert.True(associated.Accepted, associated.Output + lab.Diagnostics());

        await Task.Delay(TimeSpan.FromSeconds(6));   // nine keep-alive periods, three windows

        JsonElement held = Assert.Single(Vsis(lab));
        Assert.Equal("associated", held.GetProperty("state").GetString());
        Assert.True(held.GetProperty("age").GetDouble() >= 5.5, lab.Diagnostics());
        Assert.True(held.GetProperty("lastKeepAlive").GetDouble() < 2, $"the last keep-alive is {held.GetProperty("lastKeepAlive")} s old" + lab.Diagnostics());

        VdpAnswer removed = await lab.Station.RequestAsync("deassoc", 42, 1, LldpadStationLab.VmUuid, $"10-{LldpadStationLab.VmMac}");

        Assert.True(removed.Deassociated, removed.Output + lab.Diagnostics());
        Assert.Empty(Vsis(lab));
        Assert.DoesNotContain(LldpadStationLab.VmMac, lab.Appliance.Cli("fdb", "show", "dev", "hv1").Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheAssociatedVmsFramesPassAndUnderItsTypesAcl()
    {
        await using LldpadStationLab lab = await LldpadStationLab.StartAsync();
        await lab.WaitForEvbAsync();

        int before = await lab.PingFromVmAsync(LldpadStationLab.HostAddress, count: 2);
        VdpAnswer associated = await lab.Station.RequestAsync("assoc", 42, 1, LldpadStationLab.VmUuid, $"0-{LldpadStationLab.VmMac}");
        Assert.True(associated.Accepted, associated.Output + lab.Diagnostics());
        int allowed = await lab.PingFromVmAsync(LldpadStationLab.HostAddress, count: 3);
        int denied = await lab.PingFromVmAsync(LldpadStationLab.DeniedAddress, count: 3);
        int stranger = await lab.PingFromVmAsync(LldpadStationLab.HostAddress, count: 3, mac: "52:54:00:8e:aa:99");

        Assert.Equal(0, before);
        Assert.Equal(3, allowed);
        Assert.Equal(0, denied);
        Assert.Equal(0, stranger);
        await Eventually.TrueAsync(() => lab.Appliance.Cli("stats", "dev", "hv1").Output.Contains("vsi-not-associated", StringComparison.Ordinal),
            "the stranger's frames counted as vsi-not-associated");
        JsonElement vsi = Assert.Single(Vsis(lab));
        JsonElement counters = vsi.GetProperty("counters");
        Assert.Equal(6, counters.GetProperty("in").GetProperty("frames").GetInt64());   // three allowed, three denied
        Assert.Equal(3, counters.GetProperty("out").GetProperty("frames").GetInt64());  // the three replies
        Assert.Equal(3, counters.GetProperty("drops").GetProperty("acl-denied").GetInt64());
    }

    private static (bool Hairpin, string? Mode, bool Negotiated) Hv1(LldpadStationLab lab)
    {
        using JsonDocument ports = JsonDocument.Parse(lab.Appliance.Cli("--json", "link", "show", "dev", "hv1").Output);
        JsonElement port = ports.RootElement[0];
        JsonElement evb = port.GetProperty("evb");
        return (port.GetProperty("flags").GetProperty("hairpin").GetBoolean(), evb.GetProperty("hairpin").GetString(), evb.GetProperty("negotiated").GetBoolean());
    }

    private static List<JsonElement> Vsis(LldpadStationLab lab)
    {
        using JsonDocument vsis = JsonDocument.Parse(lab.Appliance.Cli("--json", "vsi", "show").Output);
        return [.. vsis.RootElement.EnumerateArray().Select(vsi => vsi.Clone())];
    }
}
