// The log lines of protection events: the engine queues what happened (ports error-disabled,
// probing, recovered; MACs damped; bounces caught) and stays pure; the forwarding thread drains the
// queues between batches and this class writes one structured line per event. Counters of the same
// events live in the engine's PortCounters (stats, metrics), so a line lost here loses no count.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Runtime;

internal sealed partial class ProtectionEventLog(ILogger log, string[] portNames)
{
    private readonly ILogger _log = log;
    private long _lostSeen;

    /// <summary>Forwarding thread: logs every event queued since the last call.</summary>
    public void Drain(BridgeEngine engine)
    {
        while (engine.ProtectionEvents.TryTake(out ProtectionEvent protection))
        {
            Write(protection);
        }
        while (engine.MacMoveReports.TryTake(out MacMoveReport move))
        {
            LogMacMoveDamped(move.Mac.ToString(), move.Vid, Name(move.PinnedPort), Name(move.OffendingPort));
        }
        while (engine.PingPongReports.TryTake(out PingPongReport bounce))
        {
            LogPingPong(Name(bounce.Port));
        }
        while (engine.StormReports.TryTake(out StormReport storm))
        {
            LogStorm(Name(storm.Port), DropReasons.Name(storm.Reason), storm.LimitPps);
        }
        long lost = engine.ProtectionEvents.Lost + engine.MacMoveReports.Lost + engine.PingPongReports.Lost + engine.StormReports.Lost;
        if (lost != _lostSeen)
        {
            LogLost(lost - _lostSeen);
            _lostSeen = lost;
        }
    }

    private void Write(ProtectionEvent protection)
    {
        string port = Name(protection.Port);
        string cause = KebabNames.Of(protection.Cause);
        switch (protection.Kind)
        {
            case ProtectionEventKind.ErrorDisabled when protection.ProbeSentPort >= 0:
                LogLoopDetected(port, cause, protection.HoldSeconds, Name(protection.ProbeSentPort), Name(protection.ProbeReceivedPort));
                break;
            case ProtectionEventKind.ErrorDisabled when protection.HoldSeconds == 0:
                LogErrorDisabledUntilRecovered(port, cause);
                break;
            case ProtectionEventKind.ErrorDisabled:
                LogErrorDisabled(port, cause, protection.HoldSeconds);
                break;
            case ProtectionEventKind.Probing:
                LogProbing(port, cause, protection.HoldSeconds);
                break;
            case ProtectionEventKind.RecoveredByOperator:
                LogRecoveredByOperator(port, cause);
                break;
            default:
                LogRecovered(port, cause);
                break;
        }
    }

    private string Name(int port) => (uint)port < (uint)portNames.Length ? portNames[port] : $"#{port}";

    [LoggerMessage(EventId = 100, EventName = "PortErrorDisabled", Level = LogLevel.Warning,
        Message = "port {Port} error-disabled ({Cause}) for {HoldSeconds} s")]
    private partial void LogErrorDisabled(string port, string cause, uint holdSeconds);

    [LoggerMessage(EventId = 101, EventName = "PortErrorDisabledUntilRecovered", Level = LogLevel.Warning,
        Message = "port {Port} error-disabled ({Cause}) until an operator recovers it (`hairpin link set dev PORT state forwarding`)")]
    private partial void LogErrorDisabledUntilRecovered(string port, string cause);

    [LoggerMessage(EventId = 102, EventName = "LoopDetected", Level = LogLevel.Warning,
        Message = "port {Port} error-disabled ({Cause}) for {HoldSeconds} s: a loop probe sent out of {ProbeSentPort} came back on {ProbeReceivedPort}")]
    private partial void LogLoopDetected(string port, string cause, uint holdSeconds, string probeSentPort, string probeReceivedPort);

    [LoggerMessage(EventId = 103, EventName = "PortProbing", Level = LogLevel.Information,
        Message = "port {Port} hold over ({Cause}): probing for the loop for up to {WindowSeconds} s before it forwards")]
    private partial void LogProbing(string port, string cause, uint windowSeconds);

    [LoggerMessage(EventId = 104, EventName = "PortRecovered", Level = LogLevel.Information,
        Message = "port {Port} recovered from {Cause}: forwarding")]
    private partial void LogRecovered(string port, string cause);

    [LoggerMessage(EventId = 105, EventName = "PortRecoveredByOperator", Level = LogLevel.Information,
        Message = "port {Port} recovered from {Cause} by an operator: forwarding")]
    private partial void LogRecoveredByOperator(string port, string cause);

    [LoggerMessage(EventId = 106, EventName = "MacMoveDamped", Level = LogLevel.Warning,
        Message = "MAC {Mac} in VLAN {Vid} moved too often (mac-move-damping): kept on {PinnedPort}, not learned from {OffendingPort} for the hold time")]
    private partial void LogMacMoveDamped(string mac, int vid, string pinnedPort, string offendingPort);

    [LoggerMessage(EventId = 107, EventName = "PingPong", Level = LogLevel.Warning,
        Message = "port {Port}: a neighbour sent back frames this bridge flooded out of it (ping-pong guard dropped them; two reflecting ports facing each other?)")]
    private partial void LogPingPong(string port);

    [LoggerMessage(EventId = 109, EventName = "StormControlDropping", Level = LogLevel.Warning,
        Message = "port {Port}: storm control dropping floods ({Reason}) above {LimitPps} frames/s (at most one line per port per second)")]
    private partial void LogStorm(string port, string reason, long limitPps);

    [LoggerMessage(EventId = 108, EventName = "ProtectionEventsLost", Level = LogLevel.Warning,
        Message = "{Count} protection events came faster than they could be logged and were lost (their counters are intact)")]
    private partial void LogLost(long count);
}
