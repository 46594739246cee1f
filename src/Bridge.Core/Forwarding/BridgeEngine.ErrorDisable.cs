// Error-disabling: protection features (BPDU guard, port security, storm control, loop detection)
// take a port out of service without touching its configuration, as NX-OS's err-disable does. The
// port receives and sends nothing, what the change may have made wrong in the FDB goes, and it comes
// back when its time is up (a control-path timer, never the next frame) or an operator says so.
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding.Stages;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private readonly PortStatus[] _status = new PortStatus[BridgeConfig.MaxPorts];
    private readonly HoldBackoff[] _bpduGuardBackoff = new HoldBackoff[BridgeConfig.MaxPorts];
    private readonly HoldBackoff[] _loopBackoff = new HoldBackoff[BridgeConfig.MaxPorts];
    private ulong _errorDisabledPorts;   // down for protection, probing ones included
    private ulong _probingPorts;

    /// <summary>How long learning waits, in the VLANs of a port that went down, after the flush (whole engine seconds, so 1 to 2 s).</summary>
    public const uint LearningHoldSeconds = LearningStage.HoldSeconds;

    public PortStatus Status(int port) => _status[port];

    /// <summary>Ports taken down, probing, and back, for the control plane to log. Forwarding thread only.</summary>
    public ReportLog<ProtectionEvent> ProtectionEvents { get; } = new(64);

    /// <summary>Brings an error-disabled port back now (`hairpin link set dev X state ...`). Forwarding thread only.</summary>
    public bool RecoverPort(int port)
    {
        if (!_status[port].IsErrorDisabled)
        {
            return false;
        }
        BringUp(port, ProtectionEventKind.RecoveredByOperator, CurrentSecond());
        return true;
    }

    /// <summary>
    /// The control path's clock work for protected ports: a port whose hold is over comes back (a
    /// loop-detected one first probes for its loop: <see cref="StartProbing"/>), and a probing port
    /// whose probes stayed away forwards again. The host calls it between batches and on its idle
    /// tick, so a port is back at its time whether or not traffic arrives, and status reads true.
    /// Probes it queues leave with the next transmit. Forwarding thread only.
    /// </summary>
    public void RunProtectionTimers()
    {
        ApplyPendingPlan();
        if (_errorDisabledPorts == 0)
        {
            return;
        }
        uint now = CurrentSecond();
        for (ulong down = _errorDisabledPorts; down != 0; down &= down - 1)
        {
            int port = BitOperations.TrailingZeroCount(down);
            PortStatus status = _status[port];
            if (status.RecoverAtSecond == 0 || now < status.RecoverAtSecond)
            {
                if (status.Probing && now != _lastProbeSecond[port])
                {
                    QueueRecoveryProbe(port, now);   // one a second while probing: a single lost probe must not let a loop back in
                }
                continue;
            }
            if (!status.Probing && status.Cause == ErrorDisableCause.LoopDetected && CanProbe(port))
            {
                StartProbing(port, now);
            }
            else
            {
                BringUp(port, ProtectionEventKind.Recovered, now);
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="port"/> down for <paramref name="holdSeconds"/> (0: until an operator
    /// recovers it). A port that was forwarding is a topology change, so, as an STP topology change
    /// or NX-OS loop detection does, every port's learned entries in its VLANs go: a loop or a
    /// bridge that appeared there may have taught them (port security excepted: a violation says
    /// nothing about paths), with the move counts that led up to it; and learning in those VLANs
    /// waits <see cref="LearningHoldSeconds"/>, until the loop's frames still in flight have passed
    /// (they are flooded meanwhile, so hosts stay reachable). A probing port going back down
    /// forwarded nothing, so taught nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ErrorDisable(int port, ErrorDisableCause cause, uint now, uint holdSeconds, int probeSentPort = -1, int probeReceivedPort = -1)
    {
        ulong bit = 1UL << port;
        bool wasForwarding = (_errorDisabledPorts & bit) == 0;
        _status[port] = new PortStatus(cause, now, holdSeconds == 0 ? 0 : now + holdSeconds);
        _errorDisabledPorts |= bit;
        RecomputeClosedPorts();
        _probingPorts &= ~bit;
        _counters[port].CountErrorDisabled(cause);
        _fdb.Flush(port: port);
        if (wasForwarding && cause != ErrorDisableCause.PortSecurity)
        {
            _fdb.FlushLearnedInVlans(_plan.VlanMembers, _learning.Hold(port, now));
            _moveTracker.Clear();   // moves the loop caused must not count against hosts that now speak from their real ports
        }
        ProtectionEvents.Add(new ProtectionEvent(port, ProtectionEventKind.ErrorDisabled, cause, holdSeconds, probeSentPort, probeReceivedPort, now));
    }

    private void BringUp(int port, ProtectionEventKind kind, uint now)
    {
        ErrorDisableCause cause = _status[port].Cause;
        _status[port] = default;
        _errorDisabledPorts &= ~(1UL << port);
        RecomputeClosedPorts();
        _probingPorts &= ~(1UL << port);
        _counters[port].CountRecovered(cause);
        if (cause == ErrorDisableCause.LoopDetected)
        {
            _loopBackoff[port].CameBack(now);
        }
        else if (cause == ErrorDisableCause.BpduGuard)
        {
            _bpduGuardBackoff[port].CameBack(now);
        }
        ProtectionEvents.Add(new ProtectionEvent(port, kind, cause, 0, -1, -1, now));
    }
}
