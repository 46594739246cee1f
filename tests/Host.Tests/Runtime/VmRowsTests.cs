// The per-VM rows of `stats` and the metrics (VmRows): VSIs first, with their own counters; then the
// hosts vm_counters counts that are no VSI; at most the row limit, the rest summed with the engine's
// overflow bucket in one "other" row that says how many VMs it holds.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Management;
using Hairpin.Host.Runtime;

namespace Hairpin.Host.Tests.Runtime;

public sealed class VmRowsTests
{
    private static readonly string[] Ports = ["hv1", "hv2"];

    private static VsiInfo Vsi(string id, string port, string mac, int vid, long inFrames) =>
        new(id, "uuid", 1, 1, null, [new VsiFilterInfo(mac, vid)], port, "associated", null, 1, null,
            new VsiTrafficInfo(new TrafficCounters(inFrames, inFrames * 64), new TrafficCounters(0, 0), new Dictionary<string, long> { ["acl-denied"] = 2 }));

    private static HostTraffic Host(int port, string mac, int vid, long rx) => new(port, vid, MacAddress.Parse(mac), rx, rx * 100, 1, 100, 0);

    [Fact]
    public void VsisComeFirstAndAHostThatIsAVsiIsNotCountedTwice()
    {
        (List<VmStats> rows, VmOverflowStats? other) = VmRows.Build(
            [Vsi("vsi-a", "hv1", "52:54:00:00:00:0a", 10, 5)],
            [Host(0, "52:54:00:00:00:0a", 10, 7), Host(1, "52:54:00:00:00:0c", 1, 3)],
            port => Ports[port]);

        Assert.Null(other);
        Assert.Equal(2, rows.Count);
        Assert.Equal(("hv1", "vsi-a", "52:54:00:00:00:0a", 10, 5L, 2L, "1/1"), (rows[0].Port, rows[0].Vsi, rows[0].Mac, rows[0].Vlan, rows[0].Rx.Frames, rows[0].Dropped, rows[0].Type));
        Assert.Equal(("hv2", (string?)null, "52:54:00:00:00:0c", 1, 3L), (rows[1].Port, rows[1].Vsi, rows[1].Mac, rows[1].Vlan, rows[1].Rx.Frames));
    }

    [Fact]
    public void RowsBeyondTheLimitAndTheEnginesOverflowAreSummedInOneOtherRow()
    {
        HostTraffic[] hosts =
        [
            .. Enumerable.Range(1, 5).Select(i => Host(0, $"52:54:00:00:01:{i:x2}", 1, i)),
            new HostTraffic(-1, 0, MacAddress.Zero, 100, 1000, 0, 0, 4),
        ];

        (List<VmStats> rows, VmOverflowStats? other) = VmRows.Build([], hosts, port => Ports[port], limit: 3);

        Assert.Equal(3, rows.Count);
        Assert.NotNull(other);
        Assert.Equal(2, other.Vms);
        Assert.Equal(4 + 5 + 100, other.Rx.Frames);
        Assert.Equal(4, other.Dropped);
    }
}
