// The engine's capture points. Sessions are added and removed from any thread and take effect at the
// start of the next batch (as a published configuration does), so the forwarding thread reads them
// unlocked. Per batch it knows which ports any session captures in each direction: a frame on another
// port, or any frame with no capture running, costs one test. Inbound, a frame is copied as it
// arrives, before the engine retags or drops it, and its slot learns the drop reason when the engine
// is done with it; outbound, each copy is taken as it is queued in its egress form, or with its
// reason when it is dropped on the way out.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Capture;

internal sealed class CaptureTaps
{
    /// <summary>Captures that may run at once on one engine.</summary>
    public const int MaxSessions = CaptureSession.MaxRunning;
    private const ushort CustomerTagProtocol = 0x8100;

    private readonly Lock _gate = new();
    private readonly long[] _inboundSlots = new long[MaxSessions];   // this frame's slot in each active session, or -1
    private CaptureSession[] _wanted = [];
    private CaptureSession[] _active = [];
    private bool _tappedInbound;

    /// <summary>Ports some active session captures frames arriving on (bit per port), this batch.</summary>
    public ulong InboundPorts { get; private set; }

    /// <summary>Ports some active session captures copies leaving by, this batch.</summary>
    public ulong OutboundPorts { get; private set; }

    /// <summary>Any thread: starts <paramref name="session"/> at the next batch; false when <see cref="MaxSessions"/> run already.</summary>
    public bool Add(CaptureSession session)
    {
        lock (_gate)
        {
            if (_wanted.Length >= MaxSessions || _wanted.Contains(session))
            {
                return false;
            }
            Volatile.Write(ref _wanted, [.. _wanted, session]);
            return true;
        }
    }

    /// <summary>Any thread: stops <paramref name="session"/> from the next batch on (what it captured stays readable).</summary>
    public void Remove(CaptureSession session)
    {
        lock (_gate)
        {
            Volatile.Write(ref _wanted, [.. _wanted.Where(running => running != session)]);
        }
    }

    /// <summary>Forwarding thread, at the start of a batch: the sessions and port masks this batch runs with.</summary>
    public void Refresh()
    {
        CaptureSession[] wanted = Volatile.Read(ref _wanted);
        if (ReferenceEquals(wanted, _active))
        {
            return;
        }
        _active = wanted;
        ulong inbound = 0;
        ulong outbound = 0;
        foreach (CaptureSession session in wanted)
        {
            CaptureSelector selector = session.Selector;
            if ((uint)selector.Port < 64)
            {
                inbound |= selector.Inbound ? 1UL << selector.Port : 0;
                outbound |= selector.Outbound ? 1UL << selector.Port : 0;
            }
        }
        InboundPorts = inbound;
        OutboundPorts = outbound;
    }

    /// <summary>True while some session runs (its frames must be committed at the end of the batch).</summary>
    public bool Running => _active.Length != 0;

    /// <summary>A frame arriving on <paramref name="port"/> (whose PVID classifies it when untagged); true when some session took it.</summary>
    public bool TapInbound(FrameBuffer frame, int port, int pvid, long timestamp)
    {
        ReadOnlySpan<byte> bytes = frame.Span;
        int vid = pvid;
        if (bytes.Length >= 16 && ((bytes[12] << 8) | bytes[13]) == CustomerTagProtocol && (((bytes[14] << 8) | bytes[15]) & 0x0FFF) is int tagged and not 0)
        {
            vid = tagged;
        }
        CaptureSession[] sessions = _active;
        bool took = false;
        for (int i = 0; i < sessions.Length; i++)
        {
            CaptureSelector selector = sessions[i].Selector;
            _inboundSlots[i] = selector.Inbound && selector.Port == port && selector.Takes(bytes, vid)
                ? sessions[i].Write(bytes, port, outbound: false, timestamp)
                : -1;
            took |= _inboundSlots[i] >= 0;
        }
        _tappedInbound = took;
        return took;
    }

    /// <summary>The engine is done with the frame last tapped inbound: <paramref name="dropped"/> is why it went nowhere, if it did.</summary>
    public void FinishInbound(DropReason? dropped)
    {
        if (!_tappedInbound)
        {
            return;
        }
        _tappedInbound = false;
        if (dropped is not DropReason reason)
        {
            return;
        }
        CaptureSession[] sessions = _active;
        for (int i = 0; i < sessions.Length; i++)
        {
            if (_inboundSlots[i] >= 0)
            {
                sessions[i].MarkDropped(_inboundSlots[i], reason);
            }
        }
    }

    /// <summary>A copy leaving by <paramref name="port"/> in its egress form, or dropped on the way with <paramref name="dropped"/>.</summary>
    public void TapOutbound(FrameBuffer frame, int port, long timestamp, DropReason? dropped)
    {
        ReadOnlySpan<byte> bytes = frame.Span;
        foreach (CaptureSession session in _active)
        {
            CaptureSelector selector = session.Selector;
            if (selector.Outbound && selector.Port == port && selector.Takes(bytes, frame.Vid))
            {
                long slot = session.Write(bytes, port, outbound: true, timestamp);
                if (slot >= 0 && dropped is DropReason reason)
                {
                    session.MarkDropped(slot, reason);
                }
            }
        }
    }

    /// <summary>End of a batch: what every session captured becomes readable.</summary>
    public void Commit()
    {
        foreach (CaptureSession session in _active)
        {
            session.Commit();
        }
    }
}
