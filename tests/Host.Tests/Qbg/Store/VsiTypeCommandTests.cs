// `hairpin vsi type`, end to end: the CLI through the real socket to a running bridge whose VSI store
// is a real etcd (or the embedded file). A type set with the CLI is checked against the bridge's ACLs
// and meters before it reaches the store, then in force; one in use is not deleted; the embedded
// store's types are the file's. And the check itself: types put with etcdctl that name an ACL this
// appliance lacks are refused whole, so a VM of that type keeps the type it had.
using System.Text.Json;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Qbg.Store;

[Collection(EtcdTestGroup.Name)]
public sealed class VsiTypeCommandTests
{
    private static Task<QbgBridgeLab> StartOnEtcdAsync(EtcdServer etcd) =>
        QbgBridgeLab.StartAsync(store: lab => new EtcdVsiStore(new EtcdVsiStoreOptions([etcd.Endpoint], "app1", lab.Log.Factory.CreateLogger("hairpin.store"))
        {
            LeaseTtl = EtcdStoreLab.Ttl,
            SeedTypes = HostConfigLoader.Load(lab.File).VsiTypes,   // as VsiStoreFactory seeds the store with the file's types
        }));

    /// <summary>As QbgBridgeLab.AssociateVmAsync, waiting also for the claim in etcd (the request is answered once it settles).</summary>
    private static async Task AssociateVmAsync(QbgBridgeLab lab)
    {
        await lab.ConnectAsync();
        lab.Station.Vdp.Associate(new VsiRequestSpec(VdpManagerId.FromText("mgr1"), 42, 1, QbgBridgeLab.VmId, QbgBridgeLab.VmMac));
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (lab.Station.Vsi(QbgBridgeLab.VmId).State != StationVsiState.Associated)
        {
            Assert.True(DateTime.UtcNow < deadline, "the VM was not associated within 10 s");
            await Task.Delay(20);
            await lab.SettleAsync();
        }
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task ATypeSetWithTheCliIsCheckedWrittenToTheStoreAndInForceAndAWrongOneNeverReachesTheStore()
    {
        await using EtcdServer etcd = await EtcdServer.StartAsync();
        await using QbgBridgeLab lab = await StartOnEtcdAsync(etcd);

        (int exit, string output, string error) = lab.Cli("vsi", "type", "set", "43", "1", "vlan", "20", "acl", "open", "max_macs", "2", "managers", "mgr1,mgr2");
        (int wrongExit, _, string wrong) = lab.Cli("vsi", "type", "set", "44", "1", "vlan", "10", "acl", "nosuch");
        (int missingExit, _, string missing) = lab.Cli("vsi", "type", "set", "45", "1", "acl", "open");

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal(
        [
            "ID  VERSION  VLAN  ACL   METER  MAX-MACS  MANAGERS   VSIS  SOURCE",
            "43        1    20  open  -             2  mgr1,mgr2     0  store",
        ], Lines(output));
        Assert.Contains("\"acl\":\"open\"", (await etcd.CtlAsync("get", "--print-value-only", "/hairpin/types/43/1")).Output, StringComparison.Ordinal);
        Assert.NotEqual(0, wrongExit);
        Assert.Contains("not written: type 44 version 1: this appliance has no acl named 'nosuch'", wrong, StringComparison.Ordinal);
        Assert.Equal("", (await etcd.CtlAsync("get", "--print-value-only", "/hairpin/types/44/1")).Output.Trim());
        Assert.NotEqual(0, missingExit);
        Assert.Contains("vlan is missing", missing, StringComparison.Ordinal);
        using JsonDocument shown = JsonDocument.Parse(lab.Cli("--json", "vsi", "type").Output);
        Assert.Equal([(42, 1, 10, "web-tier", "store"), (43, 1, 20, "open", "store")], shown.RootElement.EnumerateArray()
            .Select(type => (type.GetProperty("id").GetInt32(), type.GetProperty("version").GetInt32(), type.GetProperty("vlan").GetInt32(), type.GetProperty("acl").GetString(), type.GetProperty("source").GetString())));
    }

    [Fact]
    public async Task ATypeInUseIsNotDeletedAndAnUnusedOneIs()
    {
        await using EtcdServer etcd = await EtcdServer.StartAsync();
        await using QbgBridgeLab lab = await StartOnEtcdAsync(etcd);
        await AssociateVmAsync(lab);
        Assert.Equal(0, lab.Cli("vsi", "type", "set", "43", "1", "vlan", "20").Exit);

        (int inUseExit, _, string inUse) = lab.Cli("vsi", "type", "del", "42", "1");
        (int exit, _, string error) = lab.Cli("vsi", "type", "del", "43", "1");
        (int againExit, _, string again) = lab.Cli("vsi", "type", "del", "43", "1");

        Assert.NotEqual(0, inUseExit);
        Assert.Contains($"type 42 version 1 is in use by 1 VSIs ({QbgBridgeLab.VmId} on app1/hv1)", inUse, StringComparison.Ordinal);
        Assert.Equal((0, ""), (exit, error));
        Assert.Equal("", (await etcd.CtlAsync("get", "--print-value-only", "/hairpin/types/43/1")).Output.Trim());
        await Eventually.TrueAsync(() => lab.Runtime.Config.VsiTypes.Count == 1, "the deletion heard back through the watch");
        Assert.NotEqual(0, againExit);
        Assert.Contains("the store has no VSI type 43 version 1", again, StringComparison.Ordinal);
        Assert.Equal("42        1    10  web-tier  -             -  any          1  store", Lines(lab.Cli("vsi", "type").Output)[1]);
    }

    [Fact]
    public async Task TypesPutWithEtcdctlNamingAnAclThisApplianceLacksAreRefusedWholeAndTheVmKeepsItsType()
    {
        await using EtcdServer etcd = await EtcdServer.StartAsync();
        await using QbgBridgeLab lab = await StartOnEtcdAsync(etcd);

        await etcd.CtlAsync("put", "/hairpin/types/42/1", """{"id":42,"version":1,"vlan":10,"acl":"nosuch"}""");
        await etcd.CtlAsync("put", "/hairpin/types/43/1", """{"id":43,"version":1,"vlan":20}""");

        await Eventually.TrueAsync(() => lab.Log.Lines.Any(line => line.Message.Contains("the store's VSI types were not applied", StringComparison.Ordinal)),
            "the types refused");
        Assert.Contains(lab.Log.Lines, line => line.Message.Contains("type 42 version 1: this appliance has no acl named 'nosuch'", StringComparison.Ordinal));
        Assert.Equal([(42, "web-tier")], lab.Runtime.Config.VsiTypes.Select(type => (type.Id, type.Acl)));   // refused whole: 43 is not taken either
        await AssociateVmAsync(lab);
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.HostAddress));
        lab.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));   // web-tier still denies it
        await lab.SettleAsync();
        Assert.Single(await lab.SentUpAsync());
    }

    [Fact]
    public async Task AReloadThatDropsAnAclTheStoresTypesNameIsRefusedAndTheRunningConfigurationStays()
    {
        await using EtcdServer etcd = await EtcdServer.StartAsync();
        await using QbgBridgeLab lab = await StartOnEtcdAsync(etcd);
        Assert.Equal(0, lab.Cli("vsi", "type", "set", "43", "1", "vlan", "10", "acl", "open").Exit);
        string file = await File.ReadAllTextAsync(lab.File);
        const string OpenAcl = "  - name: open\n    rules:\n      - { name: any, action: permit }\n";
        Assert.Contains(OpenAcl, file, StringComparison.Ordinal);
        await File.WriteAllTextAsync(lab.File, file.Replace(OpenAcl, "", StringComparison.Ordinal));

        (int exit, _, string error) = lab.Cli("config", "reload");

        Assert.NotEqual(0, exit);
        Assert.Contains("the VSI store's types need what this file no longer has: type 43 version 1: this appliance has no acl named 'open'", error, StringComparison.Ordinal);
        Assert.Contains(lab.Runtime.Config.Bridge.Acls, acl => acl.Name == "open");
        Assert.Contains(lab.Runtime.Config.VsiTypes, type => type.Id == 43);
    }

    [Fact]
    public async Task TheEmbeddedStoresTypesAreTheFilesAndTheCliSaysWhereToChangeThem()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync(store: lab => new EmbeddedVsiStore(Path.Combine(lab.Directory, "bridge.vsi.json"),
            lab.Log.Factory.CreateLogger("hairpin.store"), "app1", lab.Clock));
        await lab.AssociateVmAsync();

        (int exit, string output, _) = lab.Cli("vsi", "type");
        (int setExit, _, string set) = lab.Cli("vsi", "type", "set", "42", "1", "vlan", "20");

        Assert.Equal(0, exit);
        Assert.Equal(
        [
            "ID  VERSION  VLAN  ACL       METER  MAX-MACS  MANAGERS  VSIS  SOURCE",
            "42        1    10  web-tier  -             -  any          1  config",
        ], Lines(output));
        Assert.NotEqual(0, setExit);
        Assert.Contains($"this bridge's VSI types are its file's vsi_types: (the embedded", set, StringComparison.Ordinal);
        Assert.Contains($"edit {lab.File} and run `hairpin config reload`", set, StringComparison.Ordinal);
    }
}
