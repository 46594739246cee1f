// `link show` as one aligned table: a row per port, flags as on/off so a column can be read at a glance.
using System.Globalization;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Commands;

internal static class LinkPrinter
{
    private static readonly string[] Header =
    [
        "PORT", "STATE", "LINK", "HAIRPIN", "ISOLATED", "LEARNING", "FLOOD", "MCAST_FLOOD", "BCAST_FLOOD", "GUARD",
        "PVID", "VLANS", "UNTAGGED", "ATTACH", "RX-FRAMES", "RX-BYTES", "TX-FRAMES", "TX-BYTES",
    ];

    private static readonly int[] NumberColumns = [10, 14, 15, 16, 17];

    public static List<string> Table(IReadOnlyList<PortInfo> ports)
    {
        var rows = new List<string[]>(ports.Count + 1) { Header };
        foreach (PortInfo port in ports)
        {
            PortFlags flags = port.Flags;
            rows.Add(
            [
                port.Name, State(port), Link(port), Hairpin(port), OnOff(flags.Isolated), OnOff(flags.Learning),
                OnOff(flags.Flood), OnOff(flags.McastFlood), OnOff(flags.BcastFlood), OnOff(flags.BpduGuard),
                port.Pvid == 0 ? "-" : Number(port.Pvid), Dash(port.Vlans), Dash(port.Untagged), Dash(port.Attach),
                Number(port.Rx.Frames), Number(port.Rx.Bytes), Number(port.Tx.Frames), Number(port.Tx.Bytes),
            ]);
        }
        return TextTable.Format(rows, "", NumberColumns);
    }

    private static string State(PortInfo port) =>
        port.State is PortOperState.ErrorDisabled or PortOperState.Probing or PortOperState.Blocking && port.ErrorDisableCause is { } cause
            ? $"{Names.Of(port.State)} ({cause})"
            : Names.Of(port.State);

    /// <summary>`down (no-carrier)` for an interface up without carrier, as `ip link` flags it NO-CARRIER; other reasons are in --json.</summary>
    private static string Link(PortInfo port) =>
        port.Link == LinkState.Down && port.LinkDownReason == PortQueues.NoCarrier ? "down (no-carrier)" : Names.Of(port.Link);

    private static string OnOff(bool on) => on ? "on" : "off";

    private static string Hairpin(PortInfo port) => Hairpin(port.Flags.Hairpin, port.Evb);

    /// <summary>`on (negotiated)` where 802.1Qbg decides it; `on (pinned, station asks off)` where the operator overrides it.</summary>
    internal static string Hairpin(bool hairpin, PortEvbInfo? evb) => evb switch
    {
        null => OnOff(hairpin),
        { Hairpin: "auto" } => $"{OnOff(hairpin)} (negotiated)",
        { } => $"{OnOff(hairpin)} (pinned, station asks {OnOff(evb.Negotiated)})",
    };

    private static string Dash(string text) => text.Length == 0 ? "-" : text;

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
