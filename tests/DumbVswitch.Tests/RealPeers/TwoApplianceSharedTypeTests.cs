// Issue 10 with real peers: the VSI types are shared through the store. An operator changes VM A's type
// in etcd with etcdctl (the JSON of specs/vsi-store.md); appliance a, holding the VM, applies the new ACL
// to it within moments, without a reload or a word to the appliance.
using System.Diagnostics;
using System.Globalization;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class TwoApplianceSharedTypeTests(ITestOutputHelper output)
{
    [Fact(Timeout = 55_000)]
    public async Task TypeChangedInEtcdChangesTheAclOfTheAssociatedVm()
    {
        await using TwoApplianceLab lab = await TwoApplianceLab.StartAsync(TwoApplianceMoveTests.Policy);
        Assert.Equal(0, (await TwoApplianceLab.PingAsync(lab.VmSource, TwoApplianceLab.AddressC2, 2, 0.1)).Received);
        Assert.Equal(2, (await TwoApplianceLab.PingAsync(lab.VmSource, TwoApplianceLab.AddressC, 2, 0.1)).Received);

        await lab.Etcd.CtlAsync("put", "/hairpin/types/42/1", """{"id":42,"version":1,"vlan":10,"acl":"not-c","meter":null,"max_macs":0,"managers":[]}""");
        var sincePut = Stopwatch.StartNew();
        bool applied = false;
        while (!applied && sincePut.Elapsed < TimeSpan.FromSeconds(10))
        {
            applied = (await TwoApplianceLab.PingAsync(lab.VmSource, TwoApplianceLab.AddressC2, 1, 0.1)).Received == 1;
        }
        TimeSpan took = sincePut.Elapsed;
        Assert.True(applied, $"the type's new ACL (not-c) lets VM A reach host C's second address{lab.Diagnostics()}");
        Assert.Equal(0, (await TwoApplianceLab.PingAsync(lab.VmSource, TwoApplianceLab.AddressC, 3, 0.1)).Received);
        Assert.Equal(("a", TwoApplianceLab.PortA, "associated"), lab.LocalVsi(lab.ApplianceA) is { } vsi ? (vsi.Appliance, vsi.Port, vsi.State) : default);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"type 42/1 changed in etcd: its new ACL applied to the associated VM within {took.TotalMilliseconds:0} ms (the first ping after the put included)"));
    }
}
