// MAC move damping, on the slow path that runs only when an entry actually moves.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const int MoveReportCapacity = 64;
    private readonly MoveTracker _moveTracker = new();
    private readonly MacMoveReport[] _moveReports = new MacMoveReport[MoveReportCapacity];
    private int _moveReportHead;
    private int _moveReportCount;

    /// <summary>Reports of damped MACs, oldest first, for the control plane to log. Forwarding thread only.</summary>
    public bool TryTakeMacMoveReport(out MacMoveReport report)
    {
        if (_moveReportCount == 0)
        {
            report = default;
            return false;
        }
        report = _moveReports[_moveReportHead];
        _moveReportHead = (_moveReportHead + 1) % MoveReportCapacity;
        _moveReportCount--;
        return true;
    }

    /// <summary>Reports lost because nobody took them (the newest are kept).</summary>
    public long MacMoveReportsLost { get; private set; }

    private void OnMoved(int vid, MacAddress mac, int port, uint now)
    {
        ForwardingPlan plan = _plan;
        if (!plan.MoveDampingEnabled)
        {
            return;
        }
        ulong key = ((ulong)vid << 48) | mac.Value;
        if (_moveTracker.Record(key, now, plan.MoveWindowSeconds) <= plan.MaxMoves)
        {
            return;
        }
        int pinnedPort = _fdb.LastMovedFrom;
        _fdb.Pin(vid, mac, pinnedPort, now + plan.MoveHoldSeconds);
        _moveTracker.Forget(key);
        _counters[port].MovesDamped++;
        Report(new MacMoveReport(vid, mac, pinnedPort, port, now));
    }

    private void Report(MacMoveReport report)
    {
        if (_moveReportCount == MoveReportCapacity)
        {
            _moveReportHead = (_moveReportHead + 1) % MoveReportCapacity;
            _moveReportCount--;
            MacMoveReportsLost++;
        }
        _moveReports[(_moveReportHead + _moveReportCount) % MoveReportCapacity] = report;
        _moveReportCount++;
    }
}
