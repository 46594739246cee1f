// `stats` as aligned tables separated by blank lines: traffic per port, drops per port and reason,
// link downs of ports that lost their peer, protection events per port and cause, queues with tail
// drops, the 802.1Qbg control plane of each `evb:` port (LLDP, ECP, VDP), policers by color, per-VM
// traffic (VSIs, and hosts `vm_counters` counts), config reloads. Rows that are all zero are left out where they name nothing the operator configured (drop
// reasons, link downs, protection events, queue classes, reload counts), and then empty tables: an
// idle bridge's 8 classes per port would otherwise fill the screen. An `evb:` port keeps its 802.1Qbg
// rows when idle: zeros there say the station is silent. Per port, RX-FRAMES = FORWARDED + TRAPPED +
// IN-DROPS once nothing is in flight, and TX-FRAMES + OUT-DROPS are the copies the bridge meant to
// send out of it (specs/transports.md).
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class StatsPrinter
{
    private static readonly string[] TrafficHeader =
        ["PORT", "RX-FRAMES", "RX-BYTES", "TX-FRAMES", "TX-BYTES", "FORWARDED", "FLOODED", "TRAPPED", "IN-DROPS", "OUT-DROPS"];
    private static readonly int[] TrafficNumbers = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    private static readonly string[] DropHeader = ["PORT", "DIRECTION", "REASON", "FRAMES"];
    private static readonly int[] DropNumbers = [3];
    private static readonly string[] LinkHeader = ["PORT", "LINK-DOWNS", "LINK-UPS"];
    private static readonly int[] LinkNumbers = [1, 2];
    private static readonly string[] ProtectionHeader = ["PORT", "EVENT", "CAUSE", "COUNT"];
    private static readonly int[] ProtectionNumbers = [3];
    private static readonly string[] QueueHeader = ["PORT", "CLASS", "TAIL-DROPS", "QUEUED-FRAMES", "QUEUED-BYTES"];
    private static readonly int[] QueueNumbers = [1, 2, 3, 4];
    private static readonly string[] LldpHeader = ["PORT", "LLDP-TX", "LLDP-RX", "LLDP-DISCARDED", "LLDP-UNKNOWN-TLVS", "LLDP-AGEOUTS"];
    private static readonly int[] LldpNumbers = [1, 2, 3, 4, 5];
    private static readonly string[] EcpHeader =
        ["PORT", "ECP-TX-REQS", "ECP-TX-ACKS", "ECP-RETRANSMITS", "ECP-GIVEN-UP", "ECP-RX-REQS", "ECP-RX-ACKS", "ECP-DUPLICATES", "ECP-MALFORMED"];
    private static readonly int[] EcpNumbers = [1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly string[] VdpHeader =
        ["PORT", "VDP-RX", "VDP-ACCEPTED", "VDP-KEEP-ALIVES", "VDP-REFUSED", "VDP-DEASSOCIATED", "VDP-EXPIRED", "VDP-DROPPED", "VDP-DEFERRED", "VSIS"];
    private static readonly int[] VdpNumbers = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    private static readonly string[] PolicerHeader =
        ["POLICER", "GREEN-FRAMES", "GREEN-BYTES", "YELLOW-FRAMES", "YELLOW-BYTES", "RED-FRAMES", "RED-BYTES"];
    private static readonly int[] PolicerNumbers = [1, 2, 3, 4, 5, 6];
    private static readonly string[] VmHeader = ["PORT", "VSI", "MAC", "VLAN", "RX-FRAMES", "RX-BYTES", "TX-FRAMES", "TX-BYTES", "DROPPED"];
    private static readonly int[] VmNumbers = [3, 4, 5, 6, 7, 8];
    private static readonly string[] ReloadHeader = ["RELOADS-APPLIED", "RELOADS-REFUSED"];
    private static readonly int[] ReloadNumbers = [0, 1];
    private static readonly string[] FlowHeader = ["FLOWS-ACTIVE", "EXPORTED", "ENDED-EARLY", "RECORDS-LOST", "RECORDS-SENT", "MESSAGES", "SENDS-FAILED"];
    private static readonly int[] FlowNumbers = [0, 1, 2, 3, 4, 5, 6];

    public static List<string> Tables(BridgeStats stats)
    {
        List<string[]> traffic = [TrafficHeader];
        List<string[]> drops = [DropHeader];
        List<string[]> links = [LinkHeader];
        List<string[]> protection = [ProtectionHeader];
        List<string[]> queues = [QueueHeader];
        List<string[]> lldp = [LldpHeader];
        List<string[]> ecp = [EcpHeader];
        List<string[]> vdp = [VdpHeader];
        foreach (PortStats port in stats.Ports)
        {
            traffic.Add(
            [
                port.Name, N(port.Rx.Frames), N(port.Rx.Bytes), N(port.Tx.Frames), N(port.Tx.Bytes),
                N(port.Forwarded), N(port.Flooded), N(port.Trapped), N(Sum(port.IngressDrops)), N(Sum(port.EgressDrops)),
            ]);
            drops.AddRange(port.IngressDrops.Where(drop => drop.Frames != 0).Select(drop => new[] { port.Name, "ingress", drop.Reason, N(drop.Frames) }));
            drops.AddRange(port.EgressDrops.Where(drop => drop.Frames != 0).Select(drop => new[] { port.Name, "egress", drop.Reason, N(drop.Frames) }));
            if (port.Link.Downs != 0)
            {
                links.Add([port.Name, N(port.Link.Downs), N(port.Link.Ups)]);
            }
            protection.AddRange(port.Protection.Where(count => count.Count != 0).Select(count => new[] { port.Name, count.Event, count.Cause, N(count.Count) }));
            queues.AddRange(port.Queues.Where(queue => queue.TailDrops != 0 || queue.QueuedFrames != 0 || queue.QueuedBytes != 0).Select(queue => new[]
            {
                port.Name, N(queue.TrafficClass), N(queue.TailDrops), N(queue.QueuedFrames), N(queue.QueuedBytes),
            }));
            if (port.Qbg is { } qbg)
            {
                lldp.Add([port.Name, N(qbg.Lldp.Tx), N(qbg.Lldp.Rx), N(qbg.Lldp.Discarded), N(qbg.Lldp.UnknownTlvs), N(qbg.Lldp.AgeOuts)]);
                ecp.Add(
                [
                    port.Name, N(qbg.Ecp.TxRequests), N(qbg.Ecp.TxAcks), N(qbg.Ecp.Retransmissions), N(qbg.Ecp.GivenUp),
                    N(qbg.Ecp.RxRequests), N(qbg.Ecp.RxAcks), N(qbg.Ecp.Duplicates), N(qbg.Ecp.Malformed),
                ]);
                vdp.Add(
                [
                    port.Name, N(qbg.Vdp.Received), N(qbg.Vdp.Accepted), N(qbg.Vdp.KeepAlives), N(qbg.Vdp.Refused),
                    N(qbg.Vdp.Deassociated), N(qbg.Vdp.Expired), N(qbg.Vdp.Malformed + qbg.Vdp.MissingManagerId), N(qbg.Vdp.Deferred), N(qbg.Vdp.Associated),
                ]);
            }
        }
        List<string[]> policers = [PolicerHeader];
        policers.AddRange(stats.Policers.Select(policer => new[]
        {
            policer.Name, N(policer.Green.Frames), N(policer.Green.Bytes), N(policer.Yellow.Frames),
            N(policer.Yellow.Bytes), N(policer.Red.Frames), N(policer.Red.Bytes),
        }));

        List<string[]> vms = [VmHeader];
        vms.AddRange((stats.Vms ?? []).Select(vm => new[]
        {
            vm.Port, vm.Vsi ?? "-", vm.Mac ?? "-", N(vm.Vlan), N(vm.Rx.Frames), N(vm.Rx.Bytes), N(vm.Tx.Frames), N(vm.Tx.Bytes), N(vm.Dropped),
        }));
        if (stats.OtherVms is { } other)
        {
            vms.Add(["*", $"({N(other.Vms)} more)", "-", "-", N(other.Rx.Frames), N(other.Rx.Bytes), N(other.Tx.Frames), N(other.Tx.Bytes), N(other.Dropped)]);
        }

        List<string[]> reloads = [ReloadHeader];
        if (stats.Reloads is { } counts && (counts.Applied != 0 || counts.Refused != 0))
        {
            reloads.Add([N(counts.Applied), N(counts.Refused)]);
        }

        List<string[]> flows = [FlowHeader];
        if (stats.FlowExport is { } flow)
        {
            flows.Add([N(flow.ActiveFlows), N(flow.ExportedFlows), N(flow.EvictedFlows), N(flow.LostRecords), N(flow.SentRecords), N(flow.Messages), N(flow.FailedSends)]);
        }

        var lines = new List<string>();
        Append(lines, traffic, TrafficNumbers);
        Append(lines, drops, DropNumbers);
        Append(lines, links, LinkNumbers);
        Append(lines, protection, ProtectionNumbers);
        Append(lines, queues, QueueNumbers);
        Append(lines, lldp, LldpNumbers);
        Append(lines, ecp, EcpNumbers);
        Append(lines, vdp, VdpNumbers);
        Append(lines, policers, PolicerNumbers);
        Append(lines, vms, VmNumbers);
        Append(lines, reloads, ReloadNumbers);
        Append(lines, flows, FlowNumbers);
        return lines;
    }

    private static void Append(List<string> lines, List<string[]> rows, int[] numberColumns)
    {
        if (rows.Count == 1)
        {
            return;   // only the header
        }
        if (lines.Count > 0)
        {
            lines.Add("");
        }
        lines.AddRange(TextTable.Format(rows, "", numberColumns));
    }

    private static long Sum(IReadOnlyList<DropCount> drops) => drops.Sum(drop => drop.Frames);

    private static string N(long value) => LinkPrinter.Number(value);
}
