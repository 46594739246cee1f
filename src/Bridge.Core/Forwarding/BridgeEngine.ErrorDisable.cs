// Error-disabling: protection features (BPDU guard, port security) take a port out of service
// without touching its configuration, as NX-OS's err-disable does. The port receives and sends
// nothing, its FDB entries go, and it comes back when its time is up or an operator says so.
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const int MaxBackoffDoublings = 4;
    private const int CleanPeriodsToForgive = 10;

    private readonly PortStatus[] _status = new PortStatus[BridgeConfig.MaxPorts];
    private readonly int[] _bpduStrikes = new int[BridgeConfig.MaxPorts];
    private readonly uint[] _lastBpduStrike = new uint[BridgeConfig.MaxPorts];
    private ulong _errorDisabledPorts;

    public PortStatus Status(int port) => _status[port];

    /// <summary>Brings an error-disabled port back now (`hairpin link set dev X recover`). Forwarding thread only.</summary>
    public bool RecoverPort(int port)
    {
        if (!_status[port].IsErrorDisabled)
        {
            return false;
        }
        _status[port] = default;
        _errorDisabledPorts &= ~(1UL << port);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ErrorDisable(int port, ErrorDisableCause cause, uint now, uint downForSeconds)
    {
        _status[port] = new PortStatus(cause, now, downForSeconds == 0 ? 0 : now + downForSeconds);
        _errorDisabledPorts |= 1UL << port;
        _counters[port].ErrorDisabled++;
        _fdb.Flush(port: port);
    }

    /// <summary>BPDU guard's hold time: doubles for each repeat that comes soon after the last.</summary>
    private uint BpduGuardHoldSeconds(int port, uint now, uint baseSeconds)
    {
        if (now - _lastBpduStrike[port] > CleanPeriodsToForgive * baseSeconds)
        {
            _bpduStrikes[port] = 0;
        }
        _lastBpduStrike[port] = now;
        int doublings = Math.Min(_bpduStrikes[port]++, MaxBackoffDoublings);
        return baseSeconds << doublings;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecoverDuePorts(uint now)
    {
        ulong down = _errorDisabledPorts;
        while (down != 0)
        {
            int port = BitOperations.TrailingZeroCount(down);
            down &= down - 1;
            uint recoverAt = _status[port].RecoverAtSecond;
            if (recoverAt != 0 && now >= recoverAt)
            {
                RecoverPort(port);
            }
        }
    }
}
