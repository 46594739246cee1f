// The forwarding thread's share of the vswitch allocates nothing per frame: after warm-up, thousands
// of batches through VepaStage.Process (VM to uplink with and without an access tag, uplink unicast
// and VLAN broadcast to VMs) and Transmit (copies into pooled buffers, rings, PortIo, the ports'
// Outbound) leave the thread's allocated-bytes counter where it was.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Runtime;

public sealed class VepaStageAllocationTests
{
    private const int BatchLength = 32;

    [Fact]
    public void ProcessAndTransmitAllocateNothingPerFrame()
    {
        using var stage = new DrivenVepaStage(Standard());
        byte[][] fromVm1 = [.. Enumerable.Repeat(Frame(Mac1, Outside), BatchLength)];
        byte[][] fromVm10A = [.. Enumerable.Repeat(Frame(Mac10A, MacAddress.Broadcast), BatchLength)];   // tag pushed
        byte[][] fromUplink = [.. Enumerable.Range(0, BatchLength).Select(i => i % 2 == 0
            ? Frame(Outside, Mac2)
            : Frame(Outside, MacAddress.Broadcast, vlan: 10))];                                          // tag popped, flooded to two VMs
        _ = RunRounds(stage, fromVm1, fromVm10A, fromUplink, 100);   // JIT, tiering and static set-up first

        long before = GC.GetAllocatedBytesForCurrentThread();
        int left = RunRounds(stage, fromVm1, fromVm10A, fromUplink, 2_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // Each round: both VMs' batches to the uplink, half the uplink's to VM2, the other half to both VMs of VLAN 10.
        Assert.Equal(2_000 * (BatchLength + BatchLength + BatchLength / 2 + 2 * (BatchLength / 2)), left);
        Assert.Equal(0, stage.Switch.Uplink.EgressDroppedTotal + stage.Switch.Vms.Sum(vm => vm.EgressDroppedTotal));
        Assert.Equal(stage.Pool.TotalCount, stage.Pool.AvailableCount);
    }

    /// <summary>Each round: a batch from each source, one Transmit, every Outbound emptied; returns the copies that left.</summary>
    private static int RunRounds(DrivenVepaStage stage, byte[][] fromVm1, byte[][] fromVm10A, byte[][] fromUplink, int rounds)
    {
        int left = 0;
        for (int round = 0; round < rounds; round++)
        {
            stage.Process(1 + Vm1, fromVm1);
            stage.Process(1 + Vm10A, fromVm10A);
            stage.Process(DrivenVepaStage.UplinkPort, fromUplink);
            _ = stage.Transmit();
            left += stage.DiscardSent();
        }
        return left;
    }
}
