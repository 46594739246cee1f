// MAC move damping, on the slow path that runs only when an entry actually moves.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private readonly MoveTracker _moveTracker = new();

    /// <summary>Damped MACs, oldest first, for the control plane to log. Forwarding thread only.</summary>
    public ReportLog<MacMoveReport> MacMoveReports { get; } = new(64);

    private void OnMoved(int vid, MacAddress mac, int port, uint now)
    {
        ForwardingPlan plan = _plan;
        if (!plan.MoveDampingEnabled)
        {
            return;
        }
        ulong key = VidMacKey.Of(vid, mac);
        if (_moveTracker.Record(key, now, plan.MoveWindowSeconds) <= plan.MaxMoves)
        {
            return;
        }
        int pinnedPort = _fdb.LastMovedFrom;
        _fdb.Pin(vid, mac, pinnedPort, now + plan.MoveHoldSeconds);
        _moveTracker.Forget(key);
        _counters[port].MovesDamped++;
        MacMoveReports.Add(new MacMoveReport(vid, mac, pinnedPort, port, now));
    }
}
