// The runtime's log lines, source-generated so that logging costs nothing when the level is off.
using Microsoft.Extensions.Logging;

namespace Hairpin.DumbVswitch.Runtime;

internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Information, "port {Port} attaches to {Attach}")]
    public static partial void PortAttaching(ILogger logger, string port, string attach);

    [LoggerMessage(2, LogLevel.Information, "forwarding: {VmCount} VMs behind uplink {Uplink}")]
    public static partial void Forwarding(ILogger logger, int vmCount, string uplink);

    [LoggerMessage(5, LogLevel.Error, "transport of port {Port} stopped on its own")]
    public static partial void TransportStopped(ILogger logger, string port, Exception? exception);

    [LoggerMessage(6, LogLevel.Information, "stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "stopped: uplink rx {RxFrames} tx {TxFrames} frames, {Dropped} dropped")]
    public static partial void Stopped(ILogger logger, long rxFrames, long txFrames, long dropped);

    [LoggerMessage(20, LogLevel.Warning, "SIGHUP ignored: the dumb vswitch reads {File} at start only; restart it to apply a change")]
    public static partial void HangupIgnored(ILogger logger, string file);
}
