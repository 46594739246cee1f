// The ping-pong guard: fingerprints of frames this bridge flooded out of each hairpin port after
// receiving them on another port, kept for a short window, and the check of frames arriving on such
// a port against them. Why this signature, and not "reflected out and back in", is in
// specs/loop-protection.md: a host repeating a broadcast must never look like a bounce.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const int RememberedPerPort = 16;
    private readonly ulong[] _floodedFingerprints = new ulong[BridgeConfig.MaxPorts * RememberedPerPort];
    private readonly long[] _floodedAt = new long[BridgeConfig.MaxPorts * RememberedPerPort];
    private readonly int[] _floodedNext = new int[BridgeConfig.MaxPorts];
    // Per port, the timestamp until which a group (or unknown unicast) flood out of it is remembered:
    // one compare lets every other frame by without hashing it.
    private readonly long[] _groupFloodsRememberedUntil = new long[BridgeConfig.MaxPorts];
    private readonly long[] _unicastFloodsRememberedUntil = new long[BridgeConfig.MaxPorts];
    private readonly uint[] _lastPingPongReport = new uint[BridgeConfig.MaxPorts];   // second + 1; 0: never

    /// <summary>Bounces caught, at most one report per port per second. Forwarding thread only.</summary>
    public ReportLog<PingPongReport> PingPongReports { get; } = new(64);

    /// <summary>Remembers a flood from another port about to leave by the hairpin ports in <paramref name="ports"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RememberFloodedOut(FrameBuffer frame, ulong ports, FrameKind kind, long timestamp)
    {
        ulong fingerprint = FrameFingerprint.Of(frame.Span, frame.HasCustomerTag);
        long until = timestamp + _plan.PingPongWindowTicks;
        long[] rememberedUntil = kind == FrameKind.Unicast ? _unicastFloodsRememberedUntil : _groupFloodsRememberedUntil;
        for (; ports != 0; ports &= ports - 1)
        {
            int port = System.Numerics.BitOperations.TrailingZeroCount(ports);
            int slot = (port * RememberedPerPort) + _floodedNext[port];
            _floodedFingerprints[slot] = fingerprint;
            _floodedAt[slot] = timestamp;
            _floodedNext[port] = (_floodedNext[port] + 1) % RememberedPerPort;
            rememberedUntil[port] = until;
        }
    }

    /// <summary>Whether anything of this kind was flooded out of <paramref name="port"/> within the window (the cheap test first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool RemembersFloodsOutOf(int port, FrameKind kind, long timestamp) =>
        timestamp < (kind == FrameKind.Unicast ? _unicastFloodsRememberedUntil[port] : _groupFloodsRememberedUntil[port]);

    /// <summary>True when the frame is one this bridge flooded out of <paramref name="port"/> moments ago, sent back (consumed).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ConsumeOwnFloodReturned(ref FrameContext context)
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        uint now = context.Second;
        if (!IsOwnFloodReturned(port, frame.Span, frame.HasCustomerTag, context.Timestamp))
        {
            return false;
        }
        Drop(ref context, DropReason.PingPong);
        if (_lastPingPongReport[port] != now + 1)
        {
            _lastPingPongReport[port] = now + 1;
            PingPongReports.Add(new PingPongReport(port, now));
        }
        return true;
    }

    private bool IsOwnFloodReturned(int port, ReadOnlySpan<byte> frame, bool hasCustomerTag, long timestamp)
    {
        long oldest = timestamp - _plan.PingPongWindowTicks;
        ulong fingerprint = FrameFingerprint.Of(frame, hasCustomerTag);
        for (int slot = port * RememberedPerPort; slot < (port + 1) * RememberedPerPort; slot++)
        {
            if (_floodedAt[slot] > oldest && _floodedAt[slot] != 0 && _floodedFingerprints[slot] == fingerprint)
            {
                return true;
            }
        }
        return false;
    }
}
