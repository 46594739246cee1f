// One mirroring session (`monitor_sessions:`, `hairpin monitor add`): what it mirrors (sources: a port
// in a direction, or a VSI's MAC and VLAN on its port, each a CaptureSelector; and frames ACL rules
// send it with `mirror: NAME`), where the copies go (MirrorDestination), and its counters. The engine
// runs it from the next batch after StartMirror; the counters are written by the forwarding thread
// only and may be read from any thread (a read may miss the current batch's counts).
using Hairpin.Bridge.Core.Capture;

namespace Hairpin.Bridge.Core.Mirroring;

public sealed class MirrorSession
{
    private readonly long[] _dropped = new long[MirrorDropReasons.Count];
    private long _mirrored;
    private long _mirroredBytes;
    private long _truncated;
    private uint _sequence;   // ERSPAN's GRE sequence number, forwarding thread only

    /// <exception cref="ArgumentException">A source is the destination port (its copies would go back out their source).</exception>
    public MirrorSession(string name, IReadOnlyList<CaptureSelector> sources, MirrorDestination destination)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(destination);
        foreach (CaptureSelector source in sources)
        {
            if (source.Port == destination.Port)
            {
                throw new ArgumentException($"monitor session {name}: port {source.Port} is both a source and the destination", nameof(sources));
            }
            if (source.Port is < 0 or >= 64)
            {
                throw new ArgumentException($"monitor session {name}: source port {source.Port} is not a bridge port index", nameof(sources));
            }
        }
        if (destination is ErspanDestination { Tunnel: var tunnel } && tunnel.Validate().FirstOrDefault() is string problem)
        {
            throw new ArgumentException($"monitor session {name}: {problem}", nameof(destination));
        }
        if (destination is RspanDestination { Vid: < 1 or > 4094 } rspan)
        {
            throw new ArgumentException($"monitor session {name}: rspan vlan {rspan.Vid} is not 1..4094", nameof(destination));
        }
        Name = name;
        SourceArray = [.. sources];
        Destination = destination;
    }

    public string Name { get; }
    public IReadOnlyList<CaptureSelector> Sources => SourceArray;

    /// <summary>The sources as an array: the taps walk it per frame with a for loop (no enumerator).</summary>
    internal CaptureSelector[] SourceArray { get; }
    public MirrorDestination Destination { get; }

    /// <summary>Copies sent to the destination (queued on its port, or written into its ring).</summary>
    public long Mirrored => Volatile.Read(ref _mirrored);

    /// <summary>Bytes of those copies as they left (with RSPAN's tag or ERSPAN's headers).</summary>
    public long MirroredBytes => Volatile.Read(ref _mirroredBytes);

    /// <summary>ERSPAN copies cut short to fit a buffer (sent, with the T bit set).</summary>
    public long Truncated => Volatile.Read(ref _truncated);

    public long Dropped(MirrorDropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    public long DroppedTotal
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _dropped.Length; i++)
            {
                total += Volatile.Read(ref _dropped[i]);
            }
            return total;
        }
    }

    /// <summary>Forwarding thread: the next ERSPAN GRE sequence number of this session.</summary>
    internal uint NextSequence() => _sequence++;

    internal void CountMirrored(int bytes)
    {
        _mirrored++;
        _mirroredBytes += bytes;
    }

    internal void CountTruncated() => _truncated++;

    internal void CountDropped(MirrorDropReason reason) => _dropped[(int)reason]++;

}
