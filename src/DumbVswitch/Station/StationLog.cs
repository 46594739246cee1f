// The station's log lines, source-generated so that logging costs nothing when the level is off.
using Microsoft.Extensions.Logging;

namespace Hairpin.DumbVswitch.Station;

internal static partial class StationLog
{
    [LoggerMessage(30, LogLevel.Information, "VSI of VM {Vm}: {State} (VID {Vid}) {Reason}")]
    public static partial void VsiChanged(ILogger logger, string vm, string state, int vid, string reason);

    [LoggerMessage(32, LogLevel.Information, "EVB bridge on the uplink: heard {Heard}, reflective relay {Relay}")]
    public static partial void BridgeChanged(ILogger logger, bool heard, bool relay);

    [LoggerMessage(31, LogLevel.Information, "EVB station on the uplink as {Mac}: {Vsis} VMs with a VSI")]
    public static partial void Started(ILogger logger, string mac, int vsis);
}
