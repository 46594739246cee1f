// `hairpin lldp neighbors [dev NAME]`: who is at the other end of each `evb:` port and what its EVB
// TLV says, in lldptool's words (`lldptool -t -n -i IF -V evb`).
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class LldpCommand
{
    public const string Usage =
        """
          lldp [neighbors [dev NAME]]
        """;

    private static readonly string[] Header = ["PORT", "SOURCE", "CHASSIS", "PORT-ID", "TTL", "TTL-LEFT", "EVB-BRIDGE", "EVB-STATION", "R", "RTE", "RWD", "RKA"];
    private static readonly int[] NumberColumns = [4, 5, 8, 9, 10, 11];

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "neighbors" : words.Take("verb");
        if (verb is not ("neighbors" or "neighbours" or "show"))
        {
            throw new UsageException($"unknown verb '{verb}' (neighbors)");
        }
        string? port = words.TryTake("dev") ? words.ValueOf("dev") : null;
        words.ExpectEnd();
        List<LldpNeighborInfo> neighbors = session.Call<List<LldpNeighborInfo>>(ManagementCommands.LldpNeighbors, new PortSelector(port));
        if (session.Json)
        {
            session.PrintJson(neighbors);
            return;
        }
        session.PrintLines(Table(neighbors));
    }

    public static List<string> Table(IReadOnlyList<LldpNeighborInfo> neighbors)
    {
        var rows = new List<string[]> { Header };
        foreach (LldpNeighborInfo neighbor in neighbors)
        {
            EvbTlvInfo? evb = neighbor.Evb;
            rows.Add(
            [
                neighbor.Port, neighbor.Source, neighbor.ChassisId, neighbor.PortId, LinkPrinter.Number(neighbor.Ttl), LinkPrinter.Number(neighbor.TtlLeft),
                evb?.Bridge ?? "-", evb?.Station ?? "-",
                evb is null ? "-" : LinkPrinter.Number(evb.Retries), evb is null ? "-" : LinkPrinter.Number(evb.RetransmitExponent),
                evb is null ? "-" : LinkPrinter.Number(evb.ResourceWaitExponent), evb is null ? "-" : LinkPrinter.Number(evb.KeepAliveExponent),
            ]);
        }
        return TextTable.Format(rows, "", NumberColumns);
    }
}
