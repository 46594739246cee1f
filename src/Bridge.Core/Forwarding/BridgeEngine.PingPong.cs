// The ping-pong guard: fingerprints of frames reflected out of each hairpin port, kept for a short
// window, and the check of flooded frames arriving on such a port against them.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const int RememberedPerPort = 16;
    private readonly ulong[] _reflectedFingerprints = new ulong[BridgeConfig.MaxPorts * RememberedPerPort];
    private readonly long[] _reflectedAt = new long[BridgeConfig.MaxPorts * RememberedPerPort];
    private readonly int[] _reflectedNext = new int[BridgeConfig.MaxPorts];
    private readonly uint[] _lastPingPongReport = new uint[BridgeConfig.MaxPorts];   // second + 1; 0: never

    /// <summary>Bounces caught, at most one report per port per second. Forwarding thread only.</summary>
    public ReportLog<PingPongReport> PingPongReports { get; } = new(64);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RememberReflected(FrameBuffer frame, int port)
    {
        int slot = (port * RememberedPerPort) + _reflectedNext[port];
        _reflectedFingerprints[slot] = FrameFingerprint.Of(frame.Span, frame.HasCustomerTag);
        _reflectedAt[slot] = _batchTimestamp;
        _reflectedNext[port] = (_reflectedNext[port] + 1) % RememberedPerPort;
    }

    /// <summary>True when a flooded frame is one this bridge reflected out of <paramref name="port"/> moments ago (consumed).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ConsumeBounce(FrameBuffer frame, PortCounters counters, int port, uint now)
    {
        long oldest = _batchTimestamp - _plan.PingPongWindowTicks;
        ulong fingerprint = 0;
        for (int slot = port * RememberedPerPort; slot < (port + 1) * RememberedPerPort; slot++)
        {
            if (_reflectedAt[slot] <= oldest || _reflectedAt[slot] == 0)
            {
                continue;
            }
            if (fingerprint == 0)
            {
                fingerprint = FrameFingerprint.Of(frame.Span, frame.HasCustomerTag);
            }
            if (_reflectedFingerprints[slot] == fingerprint)
            {
                Drop(frame, counters, DropReason.PingPong);
                if (_lastPingPongReport[port] != now + 1)
                {
                    _lastPingPongReport[port] = now + 1;
                    PingPongReports.Add(new PingPongReport(port, now));
                }
                return true;
            }
        }
        return false;
    }
}
