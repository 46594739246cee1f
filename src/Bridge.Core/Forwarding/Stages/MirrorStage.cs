// The mirror stage: makes a session's copy of a frame and sends it to the session's destination. A
// port destination takes a buffer from the pool (none left: counted, never waited for), gets the copy
// in its destination form (SPAN: as it was; RSPAN: tagged with the RSPAN VLAN instead of its own tag;
// ERSPAN: wrapped for the collector, Mirroring/ErspanEncapsulation) and is queued on the destination
// port as a buffer of its own (EnqueueStage.QueueOwnBuffer), which no capture or mirror tap sees, so a
// copy is never mirrored again. A ring destination copies into its capture ring. Every copy that does
// not get out is counted on its session by reason; forwarding never waits for a destination.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal sealed class MirrorStage(FramePool pool, EnqueueStage enqueue, PortCounters[] counters)
{
    private const int AddressesSize = 12;
    private const int TagSize = 4;
    private const ushort CustomerTagProtocol = 0x8100;

    /// <summary>This batch's plan (which ports forward); set by the engine when a session runs.</summary>
    public ForwardingPlan Plan = null!;

    /// <summary>Ports a protection feature has taken down or whose link is down, this batch.</summary>
    public ulong DownPorts;

    /// <summary>This batch's engine timestamp (ring destinations record it).</summary>
    public long Timestamp;

    /// <summary>This batch's wall-clock time in ERSPAN type III's 100 µs units (set when a type III session runs).</summary>
    public uint ErspanTimestamp;

    /// <summary>Sends the session's copy of <paramref name="frame"/>, seen on <paramref name="port"/> going <paramref name="egress"/>-wards in <paramref name="vid"/>.</summary>
    public void Send(MirrorSession session, ReadOnlySpan<byte> frame, int port, bool egress, int vid, int cos, bool tagged)
    {
        MirrorDestination destination = session.Destination;
        if (destination is RingDestination ring)
        {
            WriteToRing(session, ring.Ring, frame, port, egress);
            return;
        }
        int target = destination.Port;
        if ((uint)target >= (uint)Plan.PortCount || Plan.Ports[target].State != PortState.Forwarding || (DownPorts & (1UL << target)) != 0)
        {
            session.CountDropped(MirrorDropReason.DestinationDown);
            return;
        }
        if (!pool.TryRent(out FrameBuffer? copy))
        {
            session.CountDropped(MirrorDropReason.PoolExhausted);
            return;
        }
        bool written = destination switch
        {
            SpanDestination => copy.TryCopyFrom(frame),
            RspanDestination rspan => WriteRspan(copy, frame, rspan.Vid, cos),
            ErspanDestination erspan => WriteErspan(session, copy, frame, erspan.Tunnel, new ErspanFrame(vid, cos, egress, 0, ErspanTimestamp, port, tagged)),
            _ => false,
        };
        if (!written)
        {
            pool.Release(copy);
            session.CountDropped(MirrorDropReason.TooBig);
            return;
        }
        copy.IngressPort = port;
        copy.TrafficClass = 0;
        int length = copy.Length;
        if (!enqueue.QueueOwnBuffer(copy, target, SanityStage.KindOf(MacAddress.Read(copy.Span))))
        {
            session.CountDropped(MirrorDropReason.QueueFull);
            return;
        }
        counters[target].Mirrored++;
        session.CountMirrored(length);
    }

    private void WriteToRing(MirrorSession session, CaptureSession ring, ReadOnlySpan<byte> frame, int port, bool egress)
    {
        if (ring.Write(frame, port, egress, Timestamp) < 0)
        {
            session.CountDropped(MirrorDropReason.RingFull);
            return;
        }
        session.CountMirrored(Math.Min(frame.Length, ring.SnapLength));
    }

    /// <summary>The frame with the RSPAN tag where its own tag was (or added), its PCP kept; false when it does not fit.</summary>
    private static bool WriteRspan(FrameBuffer copy, ReadOnlySpan<byte> frame, int rspanVid, int cos)
    {
        if (frame.Length < AddressesSize)
        {
            return false;
        }
        bool tagged = frame.Length >= AddressesSize + TagSize && BinaryPrimitives.ReadUInt16BigEndian(frame[AddressesSize..]) == CustomerTagProtocol;
        ReadOnlySpan<byte> payload = frame[(tagged ? AddressesSize + TagSize : AddressesSize)..];
        if (!copy.TryCopyFrom(frame[..AddressesSize]))
        {
            return false;
        }
        Span<byte> target = copy.WritableSpan;
        if (target.Length < AddressesSize + TagSize + payload.Length)
        {
            return false;
        }
        BinaryPrimitives.WriteUInt16BigEndian(target[AddressesSize..], CustomerTagProtocol);
        BinaryPrimitives.WriteUInt16BigEndian(target[(AddressesSize + 2)..], (ushort)((cos << 13) | rspanVid));
        payload.CopyTo(target[(AddressesSize + TagSize)..]);
        copy.SetLength(AddressesSize + TagSize + payload.Length);
        return true;
    }

    /// <summary>The frame wrapped for the collector, cut to the tunnel's MTU (T bit set) if it must be.</summary>
    private static bool WriteErspan(MirrorSession session, FrameBuffer copy, ReadOnlySpan<byte> frame, ErspanTunnel tunnel, ErspanFrame fields)
    {
        if (!copy.TryCopyFrom([]))
        {
            return false;
        }
        Span<byte> target = copy.WritableSpan;
        int limit = Math.Min(target.Length, ErspanEncapsulation.EthernetSize + tunnel.Mtu);
        int length = ErspanEncapsulation.Write(target[..limit], frame, tunnel, fields with { Sequence = session.NextSequence() });
        if (length == 0)
        {
            return false;
        }
        if (length - tunnel.HeaderSize < frame.Length)
        {
            session.CountTruncated();
        }
        copy.SetLength(length);
        return true;
    }
}
