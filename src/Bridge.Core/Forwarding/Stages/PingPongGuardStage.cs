// The ping-pong guard stage: fingerprints of frames this bridge flooded out of each hairpin port after
// receiving them on another port, kept for a short window, and the check of frames arriving on such
// a port against them. Why this signature, and not "reflected out and back in", is in
// specs/loop-protection.md: a host repeating a broadcast must never look like a bounce. The stage
// owns its memory, its drop reason (`ping-pong`) and its reports; the engine releases the buffer.
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal sealed class PingPongGuardStage
{
    private const int RememberedPerPort = 16;
    private readonly ulong[] _floodedFingerprints = new ulong[BridgeConfig.MaxPorts * RememberedPerPort];
    private readonly long[] _floodedAt = new long[BridgeConfig.MaxPorts * RememberedPerPort];
    private readonly int[] _floodedNext = new int[BridgeConfig.MaxPorts];
    // Per port, the timestamp until which a group (or unknown unicast) flood out of it is remembered:
    // one compare lets every other frame by without hashing it.
    private readonly long[] _groupFloodsRememberedUntil = new long[BridgeConfig.MaxPorts];
    private readonly long[] _unicastFloodsRememberedUntil = new long[BridgeConfig.MaxPorts];
    private readonly uint[] _lastReport = new uint[BridgeConfig.MaxPorts];   // second + 1; 0: never

    /// <summary>Bounces caught, at most one report per port per second. Forwarding thread only.</summary>
    public ReportLog<PingPongReport> Reports { get; } = new(64);

    /// <summary>
    /// False when the frame is one this bridge flooded out of its ingress port moments ago, sent back:
    /// the context then carries the drop (`ping-pong`) for the engine to take.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Admit(ref FrameContext context, long windowTicks)
    {
        if (!RemembersFloodsOutOf(context.Port, context.Kind, context.Timestamp))
        {
            return true;
        }
        return AdmitRemembered(ref context, windowTicks);
    }

    /// <summary>What <see cref="Admit"/> would say, reporting nothing (trace mode).</summary>
    public bool WouldAdmit(ref FrameContext context, long windowTicks)
    {
        FrameBuffer frame = context.Frame;
        if (RemembersFloodsOutOf(context.Port, context.Kind, context.Timestamp)
            && IsOwnFloodReturned(context.Port, frame.Span, frame.HasCustomerTag, context.Timestamp, windowTicks))
        {
            context.Dropped(DropReason.PingPong);
            return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitRemembered(ref FrameContext context, long windowTicks)
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        if (!IsOwnFloodReturned(port, frame.Span, frame.HasCustomerTag, context.Timestamp, windowTicks))
        {
            return true;
        }
        context.Dropped(DropReason.PingPong);
        if (_lastReport[port] != context.Second + 1)
        {
            _lastReport[port] = context.Second + 1;
            Reports.Add(new PingPongReport(port, context.Second));
        }
        return false;
    }

    /// <summary>Remembers a flood from another port about to leave by the hairpin ports in <paramref name="ports"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void RememberFloodedOut(FrameBuffer frame, ulong ports, FrameKind kind, long timestamp, long windowTicks)
    {
        ulong fingerprint = FrameFingerprint.Of(frame.Span, frame.HasCustomerTag);
        long until = timestamp + windowTicks;
        long[] rememberedUntil = kind == FrameKind.Unicast ? _unicastFloodsRememberedUntil : _groupFloodsRememberedUntil;
        for (; ports != 0; ports &= ports - 1)
        {
            int port = BitOperations.TrailingZeroCount(ports);
            int slot = (port * RememberedPerPort) + _floodedNext[port];
            _floodedFingerprints[slot] = fingerprint;
            _floodedAt[slot] = timestamp;
            _floodedNext[port] = (_floodedNext[port] + 1) % RememberedPerPort;
            rememberedUntil[port] = until;
        }
    }

    /// <summary>Whether anything of this kind was flooded out of <paramref name="port"/> within the window (the cheap test first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool RemembersFloodsOutOf(int port, FrameKind kind, long timestamp) =>
        timestamp < (kind == FrameKind.Unicast ? _unicastFloodsRememberedUntil[port] : _groupFloodsRememberedUntil[port]);

    /// <summary>The ports of <paramref name="ports"/> out of which a unicast flood is remembered at <paramref name="timestamp"/> (RemembersFloodsOutOf for several ports).</summary>
    public ulong PortsRememberingUnicastFloods(ulong ports, long timestamp)
    {
        ulong remembering = 0;
        for (; ports != 0; ports &= ports - 1)
        {
            int port = BitOperations.TrailingZeroCount(ports);
            if (RemembersFloodsOutOf(port, FrameKind.Unicast, timestamp))
            {
                remembering |= 1UL << port;
            }
        }
        return remembering;
    }

    /// <summary>Whether the frame is one this bridge flooded out of <paramref name="port"/> within the window before <paramref name="timestamp"/>. Reads only.</summary>
    public bool IsOwnFloodReturned(int port, ReadOnlySpan<byte> frame, bool hasCustomerTag, long timestamp, long windowTicks)
    {
        long oldest = timestamp - windowTicks;
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
