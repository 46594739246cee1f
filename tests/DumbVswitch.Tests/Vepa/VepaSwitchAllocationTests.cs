// The data path allocates nothing per frame: 10,000 frames of every kind through both directions,
// tagging and untagging included, leave the thread's allocated-bytes counter where it was.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Vepa;

public sealed class VepaSwitchAllocationTests
{
    [Fact]
    public void TenThousandFramesAllocateNothing()
    {
        var vepa = new VepaSwitch(Standard());
        var egress = new CountingEgress();
        byte[][] fromVms = [Frame(Mac1, Mac2), Frame(Mac1, MacAddress.Broadcast), Frame(Mac10A, Mac10B), Frame(Mac2, Mac1, vlan: 3), Frame(Mac3, Outside)];
        int[] senders = [Vm1, Vm1, Vm10A, Vm2, Vm1];   // the last one spoofed
        byte[][] fromUplink =
        [
            Frame(Mac1, Mac2), Frame(Mac1, MacAddress.Broadcast), Frame(Mac10A, MacAddress.Broadcast, vlan: 10),
            Frame(Outside, Mac10B, vlan: 10), Frame(Outside, Outside), Frame(Outside, MacAddress.Broadcast, vlan: 99),
        ];
        RunMix(vepa, egress, fromVms, senders, fromUplink, 100);   // JIT, tiering and static set-up first

        long before = GC.GetAllocatedBytesForCurrentThread();
        RunMix(vepa, egress, fromVms, senders, fromUplink, 10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(egress.ToUplink > 0 && egress.ToVms > 0);
    }

    private static void RunMix(VepaSwitch vepa, CountingEgress egress, byte[][] fromVms, int[] senders, byte[][] fromUplink, int frames)
    {
        for (int i = 0; i < frames; i++)
        {
            if ((i & 1) == 0)
            {
                int pick = i / 2 % fromVms.Length;
                vepa.FromVm(senders[pick], fromVms[pick], egress);
            }
            else
            {
                vepa.FromUplink(fromUplink[i / 2 % fromUplink.Length], egress);
            }
        }
    }
}
