// The engine's mirror points, beside the capture points (CaptureTaps) and at the same two places:
// inbound, a frame as it arrives on a source port, before the bridge retags, checks or drops it (as
// NX-OS's ingress SPAN copies before the forwarding lookup); outbound, each copy as it is queued on a
// source port, in its egress form. Sessions are added and removed from any thread and take effect at
// the start of the next batch; per batch the taps know which ports some session mirrors each way, so
// a frame on another port, or any frame with no session running, costs one test (the same test as
// capture's: the engine ORs the masks). ACL rules with `mirror: SESSION` reach their session through
// a table from the plan's session names to the running sessions, rebuilt when either changes.
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Mirroring;

internal sealed class MirrorTaps
{
    /// <summary>Sessions that may run at once on one engine (NX-OS allows 18 on most platforms, 4 of them active rx).</summary>
    public const int MaxSessions = 16;
    private const ushort CustomerTagProtocol = 0x8100;

    private readonly Lock _gate = new();
    private MirrorSession[] _wanted = [];
    private MirrorSession[] _active = [];
    private string[] _ruleNames = [];
    private MirrorSession?[] _ruleTargets = [];

    /// <summary>Makes the copies; set once by the engine after its enqueue stage exists.</summary>
    public MirrorStage Stage { get; set; } = null!;

    /// <summary>Ports some active session mirrors frames arriving on (bit per port), this batch.</summary>
    public ulong InboundPorts { get; private set; }

    /// <summary>Ports some active session mirrors leaving copies of, this batch.</summary>
    public ulong OutboundPorts { get; private set; }

    /// <summary>Ports that are some active session's destination: they send only mirror copies and hear nothing (NX-OS).</summary>
    public ulong DestinationPorts { get; private set; }

    /// <summary>True when some active session writes into a capture ring (committed at the end of each batch).</summary>
    public bool HasRings { get; private set; }

    /// <summary>True when some active session sends ERSPAN type III (whose header carries a timestamp).</summary>
    public bool NeedsTimestamp { get; private set; }

    /// <summary>True while some session runs.</summary>
    public bool Running => _active.Length != 0;

    /// <summary>Any thread: the sessions that run (or will from the next batch).</summary>
    public IReadOnlyList<MirrorSession> Sessions => Volatile.Read(ref _wanted);

    /// <summary>Any thread: starts <paramref name="session"/> at the next batch; false when its name is taken or <see cref="MaxSessions"/> run.</summary>
    public bool Add(MirrorSession session)
    {
        lock (_gate)
        {
            if (_wanted.Length >= MaxSessions || _wanted.Any(running => running.Name == session.Name))
            {
                return false;
            }
            Volatile.Write(ref _wanted, [.. _wanted, session]);
            return true;
        }
    }

    /// <summary>Any thread: stops the session named <paramref name="name"/> from the next batch on; it, or null when none runs.</summary>
    public MirrorSession? Remove(string name)
    {
        lock (_gate)
        {
            MirrorSession? found = Array.Find(_wanted, running => running.Name == name);
            if (found is not null)
            {
                Volatile.Write(ref _wanted, [.. _wanted.Where(running => running != found)]);
            }
            return found;
        }
    }

    /// <summary>Forwarding thread, at the start of a batch: the sessions, masks and rule targets this batch runs with.</summary>
    public void Refresh(string[] ruleSessionNames)
    {
        MirrorSession[] wanted = Volatile.Read(ref _wanted);
        if (ReferenceEquals(wanted, _active) && ReferenceEquals(ruleSessionNames, _ruleNames))
        {
            return;
        }
        Rebuild(wanted, ruleSessionNames);
    }

    private void Rebuild(MirrorSession[] wanted, string[] ruleSessionNames)
    {
        _active = wanted;
        _ruleNames = ruleSessionNames;
        _ruleTargets = [.. ruleSessionNames.Select(name => Array.Find(wanted, session => session.Name == name))];
        ulong inbound = 0;
        ulong outbound = 0;
        ulong destinations = 0;
        bool rings = false;
        bool timestamps = false;
        foreach (MirrorSession session in wanted)
        {
            foreach (CaptureSelector source in session.SourceArray)
            {
                inbound |= source.Inbound ? 1UL << source.Port : 0;
                outbound |= source.Outbound ? 1UL << source.Port : 0;
            }
            int port = session.Destination.Port;
            destinations |= port is >= 0 and < 64 ? 1UL << port : 0;
            rings |= session.Destination is RingDestination;
            timestamps |= session.Destination is ErspanDestination { Tunnel.Version: ErspanVersion.TypeIII };
        }
        InboundPorts = inbound;
        OutboundPorts = outbound;
        DestinationPorts = destinations;
        HasRings = rings;
        NeedsTimestamp = timestamps;
    }

    /// <summary>A frame arriving on <paramref name="port"/> (whose PVID classifies it when untagged), before the bridge touches it.</summary>
    public void TapInbound(FrameBuffer frame, int port, int pvid)
    {
        ReadOnlySpan<byte> bytes = frame.Span;
        int vid = pvid;
        int cos = 0;
        bool tagged = bytes.Length >= 16 && ((bytes[12] << 8) | bytes[13]) == CustomerTagProtocol;
        if (tagged)
        {
            int tci = (bytes[14] << 8) | bytes[15];
            cos = tci >> 13;
            vid = (tci & 0x0FFF) is int taggedVid and not 0 ? taggedVid : pvid;
        }
        MirrorSession[] sessions = _active;
        for (int i = 0; i < sessions.Length; i++)
        {
            if (Takes(sessions[i], bytes, port, vid, outbound: false))
            {
                Stage.Send(sessions[i], bytes, port, egress: false, vid, cos, tagged);
            }
        }
    }

    /// <summary>A copy just queued to leave by <paramref name="port"/>, in its egress form.</summary>
    public void TapOutbound(FrameBuffer frame, int port)
    {
        ReadOnlySpan<byte> bytes = frame.Span;
        MirrorSession[] sessions = _active;
        for (int i = 0; i < sessions.Length; i++)
        {
            if (Takes(sessions[i], bytes, port, frame.Vid, outbound: true))
            {
                Stage.Send(sessions[i], bytes, port, egress: true, frame.Vid, frame.PriorityBits >> 13, frame.HasCustomerTag);
            }
        }
    }

    /// <summary>An ACL rule's `mirror: SESSION` (its index among the plan's session names): the frame as the rule matched it.</summary>
    public void FromRule(int ruleSession, FrameBuffer frame, int egressPort)
    {
        MirrorSession?[] targets = _ruleTargets;
        if ((uint)ruleSession >= (uint)targets.Length || targets[ruleSession] is not MirrorSession session)
        {
            return;   // the session is not running: the rule mirrors nothing meanwhile
        }
        bool egress = egressPort >= 0;
        int port = egress ? egressPort : frame.IngressPort;
        if (port == session.Destination.Port)
        {
            return;   // never back out of where it came from
        }
        Stage.Send(session, frame.Span, port, egress, frame.Vid, frame.PriorityBits >> 13, frame.HasCustomerTag);
    }

    /// <summary>End of a batch: what ring destinations took becomes readable.</summary>
    public void Commit()
    {
        foreach (MirrorSession session in _active)
        {
            if (session.Destination is RingDestination ring)
            {
                ring.Ring.Commit();
            }
        }
    }

    /// <summary>Whether one of the session's sources takes this frame (a session takes a frame at most once per tap).</summary>
    private static bool Takes(MirrorSession session, ReadOnlySpan<byte> bytes, int port, int vid, bool outbound)
    {
        CaptureSelector[] sources = session.SourceArray;
        for (int s = 0; s < sources.Length; s++)
        {
            CaptureSelector source = sources[s];
            if (source.Port == port && (outbound ? source.Outbound : source.Inbound) && source.Takes(bytes, vid))
            {
                return true;
            }
        }
        return false;
    }
}
