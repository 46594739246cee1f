// Flow accounting for IPFIX export (issue 12): the engine hands each sampled frame's headers, read as
// it arrived, and then its fate; the monitor keeps a bounded cache of flows and ends them into a
// record ring the exporter drains from its own thread. Pure: no clock (timestamps are the engine's
// TimeProvider ticks, given), no I/O, no allocation after construction. The forwarding thread owns
// the cache (frames during a batch, Expire and Flush between batches); the queue's other end and the
// counters may be read from any thread.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Flows;

public sealed class FlowMonitor
{
    private const int EthernetHeader = 14;
    private const int TagSize = 4;

    // The fields that vary within a flow (TCP flags are OR-ed into the record; DSCP and PCP are not
    // exported) and the VLAN, which is put in once the engine has classified the frame.
    private static readonly FlowKey KeptFields = InverseOf(MaskOf(FlowFields.TcpFlags, FlowFields.Dscp, FlowFields.Pcp, FlowFields.Vid));

    private readonly FlowCache _cache;
    private readonly long _idleTicks;
    private readonly long _activeTicks;
    private readonly int _samplingInterval;
    private int _untilSample = 1;

    // The frame being accounted: read before the engine sees it, finished once it is done.
    private FlowKey _probe;
    private byte _probeTcpFlags;
    private ushort _probeTagVid;
    private int _probeBytes;
    private int _probeLayer2Bytes;

    private long _exported;
    private long _evicted;
    private long _frames;

    /// <param name="timestampFrequency">Ticks per second of the timestamps the monitor is given (the engine's TimeProvider's).</param>
    public FlowMonitor(FlowMonitorOptions options, long timestampFrequency)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(timestampFrequency, 1);
        Options = options;
        TimestampFrequency = timestampFrequency;
        _cache = new FlowCache(options.Capacity);
        _idleTicks = Ticks(options.IdleTimeout, timestampFrequency);
        _activeTicks = Ticks(options.ActiveTimeout, timestampFrequency);
        _samplingInterval = options.SamplingInterval;
        Records = new FlowRecordRing(options.RecordQueueCapacity);
    }

    public FlowMonitorOptions Options { get; }
    public long TimestampFrequency { get; }

    /// <summary>Finished flows, for the exporter (one consumer thread).</summary>
    public FlowRecordRing Records { get; }

    /// <summary>Flows in the cache now.</summary>
    public int ActiveFlows => Volatile.Read(ref _activeFlows);
    private int _activeFlows;

    /// <summary>Flow records ended (queued or lost): timeouts, early ends and forced ends.</summary>
    public long ExportedFlows => Volatile.Read(ref _exported);

    /// <summary>Flows ended early because the cache was full and a new flow needed the room.</summary>
    public long EvictedFlows => Volatile.Read(ref _evicted);

    /// <summary>Records lost because the exporter had not taken the earlier ones (the queue was full).</summary>
    public long LostRecords => Records.Lost;

    /// <summary>Frames accounted in some flow (with sampling, 1 in N of those seen).</summary>
    public long AccountedFrames => Volatile.Read(ref _frames);

    /// <summary>
    /// Forwarding thread, as the frame arrives, before the engine may retag or release it: whether this
    /// frame is sampled, and if so its flow fields. Never throws, whatever the bytes.
    /// </summary>
    internal bool ReadIngress(ReadOnlySpan<byte> frame, int port)
    {
        if (_samplingInterval > 1 && --_untilSample > 0)
        {
            return false;
        }
        _untilSample = _samplingInterval;
        int l3;
        ushort tagVid = 0;
        if (frame.Length >= EthernetHeader + TagSize && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) is EtherTypes.CustomerVlan or EtherTypes.ServiceVlan)
        {
            tagVid = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) & 0x0FFF);
        }
        if (FastFlowKey.TryBuild(frame, 0, port, out _probe))
        {
            l3 = tagVid != 0 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == EtherTypes.CustomerVlan ? EthernetHeader + TagSize : EthernetHeader;
        }
        else
        {
            PacketClassifier.Classify(frame, out PacketSummary summary);   // a failure keeps the fields read before it
            _probe = frame.Length >= EthernetHeader
                ? FlowFields.From(summary, MacAddress.Read(frame[6..]), MacAddress.Read(frame), 0, port)
                : FlowFields.From(summary, default, default, 0, port);
            l3 = EthernetHeader + (TagSize * summary.TagCount);
        }
        _probeTcpFlags = (byte)FlowFields.TcpFlags.Get(_probe);
        for (int i = 0; i < FlowWords.Words; i++)
        {
            _probe.Words[i] &= KeptFields.Words[i];
        }
        _probeTagVid = tagVid;
        _probeLayer2Bytes = frame.Length;
        _probeBytes = NetworkBytes(frame, l3, (ushort)FlowFields.EtherType.Get(_probe));
        return true;
    }

    /// <summary>
    /// Forwarding thread, once the engine is done with the frame last read by <see cref="ReadIngress"/>:
    /// its fate joins its flow's record (a new flow, when the cache is full, ends the least recently seen one).
    /// </summary>
    internal void Account(in FrameDisposition fate, long timestamp, ForwardingPlan plan)
    {
        ushort vid = fate.Vid != 0 ? fate.Vid : _probeTagVid;
        FlowFields.Vid.Set(ref _probe, vid);
        byte verdict = VerdictOf(fate);
        int hash = HashOf(in _probe, verdict);
        int index = _cache.Find(in _probe, verdict, hash);
        if (index < 0)
        {
            if (_cache.IsFull)
            {
                _evicted++;
                End(_cache.LeastRecent, FlowEndReason.LackOfResources);
            }
            index = _cache.Add(in _probe, verdict, hash, timestamp);
            ref FlowCache.Entry created = ref _cache.At(index);
            created.TagVid = vid;
            created.Vsi = VsiOf(plan, (int)FlowFields.IngressPort.Get(_probe), vid, (ulong)FlowFields.SourceMac.Get(_probe));
            _activeFlows = _cache.Count;
        }
        else
        {
            _cache.Touch(index, timestamp);
        }
        ref FlowCache.Entry entry = ref _cache.At(index);
        entry.Packets++;
        entry.Bytes += _probeBytes;
        entry.Layer2Bytes += _probeLayer2Bytes;
        entry.TcpFlags |= _probeTcpFlags;
        entry.EgressPorts |= fate.EgressPorts;
        _frames++;
    }

    /// <summary>
    /// Forwarding thread, between batches: ends the flows idle for the idle timeout and those older than
    /// the active timeout at <paramref name="timestamp"/>. Returns how many ended.
    /// </summary>
    public int Expire(long timestamp)
    {
        int ended = 0;
        for (int i = _cache.LeastRecent; i >= 0 && timestamp - _cache.At(i).Last >= _idleTicks; i = _cache.LeastRecent)
        {
            End(i, FlowEndReason.IdleTimeout);
            ended++;
        }
        for (int i = _cache.Oldest; i >= 0 && timestamp - _cache.At(i).First >= _activeTicks; i = _cache.Oldest)
        {
            End(i, FlowEndReason.ActiveTimeout);
            ended++;
        }
        _activeFlows = _cache.Count;
        return ended;
    }

    /// <summary>Forwarding thread, once the engine no longer feeds this monitor: ends every flow left (forced end).</summary>
    public int Flush()
    {
        int ended = 0;
        for (int i = _cache.LeastRecent; i >= 0; i = _cache.LeastRecent)
        {
            End(i, FlowEndReason.ForcedEnd);
            ended++;
        }
        _activeFlows = 0;
        return ended;
    }

    /// <summary>When the next flow would reach a timeout (in ticks), or null with the cache empty: the host sleeps no longer than that.</summary>
    public long? NextDeadline()
    {
        int idle = _cache.LeastRecent;
        int old = _cache.Oldest;
        if (idle < 0)
        {
            return null;
        }
        return Math.Min(_cache.At(idle).Last + _idleTicks, _cache.At(old).First + _activeTicks);
    }

    /// <summary>
    /// Forwarding thread: the <paramref name="count"/> active flows with the most packets so far, as
    /// records that are not ended (for `stats` and `hairpin top`; the exporter still gets them at expiry).
    /// </summary>
    public List<FlowRecord> Busiest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var active = new List<FlowRecord>(_cache.Count);
        for (int i = _cache.LeastRecent; i >= 0; i = _cache.At(i).MoreRecent)
        {
            active.Add(RecordOf(ref _cache.At(i), default));
        }
        active.Sort((a, b) => b.Packets.CompareTo(a.Packets));
        return active.Count > count ? active[..count] : active;
    }

    private static FlowRecord RecordOf(ref FlowCache.Entry entry, FlowEndReason reason)
    {
        ref readonly FlowKey key = ref entry.Key;
        ushort etherType = (ushort)FlowFields.EtherType.Get(key);
        byte ipVersion = etherType switch { EtherTypes.IPv4 => 4, EtherTypes.IPv6 => 6, _ => 0 };
        byte protocol = (byte)FlowFields.IpProtocol.Get(key);
        bool icmp = (ipVersion == 4 && protocol == IcmpReader.Icmpv4Protocol) || (ipVersion == 6 && protocol == IcmpReader.Icmpv6Protocol);
        UInt128 source = new(key.Words[FlowFields.SourceIpWord], key.Words[FlowFields.SourceIpWord + 1]);
        UInt128 destination = new(key.Words[FlowFields.DestinationIpWord], key.Words[FlowFields.DestinationIpWord + 1]);
        return new FlowRecord
        {
            SourceMac = new MacAddress(FlowFields.SourceMac.Get(key)),
            DestinationMac = new MacAddress(FlowFields.DestinationMac.Get(key)),
            EtherType = etherType,
            Vid = (ushort)FlowFields.Vid.Get(key),
            IngressPort = (int)FlowFields.IngressPort.Get(key),
            EgressPorts = entry.EgressPorts,
            IpVersion = ipVersion,
            SourceIp = ipVersion == 4 ? (uint)source : ipVersion == 6 ? source : 0,
            DestinationIp = ipVersion == 4 ? (uint)destination : ipVersion == 6 ? destination : 0,
            IpProtocol = ipVersion == 0 ? (byte)0 : protocol,
            SourcePort = icmp ? (ushort)0 : (ushort)FlowFields.SourcePort.Get(key),
            DestinationPort = icmp
                ? (ushort)((FlowFields.IcmpType.Get(key) << 8) | FlowFields.IcmpCode.Get(key))
                : (ushort)FlowFields.DestinationPort.Get(key),
            TcpFlags = entry.TcpFlags,
            Packets = entry.Packets,
            Bytes = entry.Bytes,
            Layer2Bytes = entry.Layer2Bytes,
            FirstTimestamp = entry.First,
            LastTimestamp = entry.Last,
            Fate = (DispositionKind)(entry.Verdict >> 6),
            DropReason = (DropReason)(entry.Verdict & 0x3F),
            Vsi = entry.Vsi,
            EndReason = reason,
        };
    }

    private void End(int index, FlowEndReason reason)
    {
        FlowRecord record = RecordOf(ref _cache.At(index), reason);
        Records.TryWrite(in record);
        _exported++;
        _cache.Remove(index);
    }

    // Four independent multiply chains folded at the end: the words of a flow key are already well
    // spread (MACs, addresses, ports), and a short dependency chain keeps the per-frame cost down.
    private static int HashOf(in FlowKey key, byte verdict)
    {
        const ulong K0 = 0x9E37_79B9_7F4A_7C15UL;
        const ulong K1 = 0xC2B2_AE3D_27D4_EB4FUL;
        ulong a = (key.Words[0] ^ key.Words[4]) * K0;
        ulong b = (key.Words[1] ^ key.Words[5]) * K1;
        ulong c = (key.Words[2] ^ key.Words[6] ^ verdict) * K0;
        ulong d = (key.Words[3] ^ key.Words[7]) * K1;
        ulong hash = (a ^ (b >> 17) ^ (c << 13) ^ (d >> 29)) * K0;
        return (int)(hash >> 32) ^ (int)hash;
    }

    // Forwarded and flooded frames of one flow are one record (an unknown destination is flooded until
    // learned); trapped and dropped frames each make their own, by reason.
    private static byte VerdictOf(in FrameDisposition fate) => fate.Kind switch
    {
        DispositionKind.Dropped => (byte)(((int)DispositionKind.Dropped << 6) | (int)fate.Reason),
        DispositionKind.ControlPlane => (int)DispositionKind.ControlPlane << 6,
        _ => (int)DispositionKind.Forwarded << 6,
    };

    private static string? VsiOf(ForwardingPlan plan, int port, ushort vid, ulong sourceMac) =>
        port < plan.VsiBindings.Length && plan.VsiBindings[port] is { } bindings
        && bindings.TryGetValue(VidMacKey.Of(vid, new MacAddress(sourceMac)), out int vsi)
            ? plan.VsiNames[vsi]
            : null;

    /// <summary>The IP packet's own length (so Ethernet padding is not counted), else what follows the header and tags.</summary>
    private static int NetworkBytes(ReadOnlySpan<byte> frame, int l3, ushort etherType)
    {
        int available = frame.Length - l3;
        if (available <= 0)
        {
            return 0;
        }
        int length = etherType switch
        {
            EtherTypes.IPv4 when available >= 20 => BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 2)..]),
            EtherTypes.IPv6 when available >= 40 => 40 + BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 4)..]),
            _ => available,
        };
        return Math.Min(length, available);
    }

    private static long Ticks(TimeSpan span, long frequency) => (long)(span.TotalSeconds * frequency);

    private static FlowKey MaskOf(params FlowField[] fields)
    {
        var mask = default(FlowKey);
        foreach (FlowField field in fields)
        {
            mask.Words[field.Word] |= field.Mask;
        }
        return mask;
    }

    private static FlowKey InverseOf(in FlowKey mask)
    {
        var inverse = default(FlowKey);
        for (int i = 0; i < FlowWords.Words; i++)
        {
            inverse.Words[i] = ~mask.Words[i];
        }
        return inverse;
    }
}
