// Mirroring sessions (`monitor_sessions:`, `hairpin monitor`): the control plane starts and stops them
// from any thread, and they take effect at the next batch. The mirror points are Mirroring/MirrorTaps
// (the same two places as capture's), the copies Stages/MirrorStage; with no session running a frame
// pays the capture points' one test, nothing more.
using Hairpin.Bridge.Core.Mirroring;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const long UnixEpochTicks = 621_355_968_000_000_000;   // DateTime ticks at 1970-01-01T00:00:00Z
    private const long TicksPer100Microseconds = 1_000;

    /// <summary>Mirroring sessions that may run at once.</summary>
    public const int MaxMirrorSessions = MirrorTaps.MaxSessions;

    /// <summary>Ports that are a running mirroring session's destination, this batch (they hear nothing, get nothing forwarded).</summary>
    private ulong _mirrorDestinationPorts;

    /// <summary>Error-disabled ports, mirror destinations and ports without link in one mask, kept whenever one changes (RecomputeClosedPorts): the receive path reads one field.</summary>
    private ulong _closedPorts;

    /// <summary>Any thread: the session mirrors from the next batch on; false when one of that name runs or too many run.</summary>
    public bool StartMirror(MirrorSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _mirrors.Add(session);
    }

    /// <summary>Any thread: the session named <paramref name="name"/> mirrors nothing from the next batch on; it (with its counters), or null.</summary>
    public MirrorSession? StopMirror(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _mirrors.Remove(name);
    }

    /// <summary>Any thread: the running sessions (and those starting at the next batch), with their counters.</summary>
    public IReadOnlyList<MirrorSession> MirrorSessions => _mirrors.Sessions;

    /// <summary>Start of a batch: the sessions this batch runs with, and what their copies need to know.</summary>
    private void RefreshMirrors(ForwardingPlan plan, long timestamp)
    {
        _mirrors.Refresh(plan.MirrorSessionNames);
        if (_mirrorDestinationPorts != _mirrors.DestinationPorts)
        {
            _mirrorDestinationPorts = _mirrors.DestinationPorts;
            RecomputeClosedPorts();
        }
        if (!_mirrors.Running)
        {
            return;
        }
        Stages.MirrorStage stage = _mirrors.Stage;
        stage.Plan = plan;
        stage.DownPorts = _errorDisabledPorts | _linkDownPorts;
        stage.Timestamp = timestamp;
        if (_mirrors.NeedsTimestamp)
        {
            stage.ErspanTimestamp = (uint)((_time.GetUtcNow().UtcTicks - UnixEpochTicks) / TicksPer100Microseconds);
        }
    }

    void Stages.IMirrorPort.MirrorToSession(Frames.FrameBuffer frame, int session, int egressPort) => _mirrors.FromRule(session, frame, egressPort);
}
