// The enqueue stage, last on the path: a copy goes on its egress port's queue, in its traffic class
// (EgressScheduler: eight class queues, strict and weighted, an optional shaper), and is counted sent
// on the port (and on the VSI it is unicast to); a full queue is a tail drop (`egress-queue-full`),
// counted on the port, the VSI and the frame's disposition. The stage owns the ports' queues, and it is
// the outbound capture and mirror point: a capture or mirroring session sees each copy as it leaves,
// in its egress form (buffers of their own, such as mirror copies, are seen by neither).
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal sealed class EnqueueStage(EgressScheduler[] queues, PortCounters[] counters, FramePool pool, CaptureTaps captures, MirrorTaps mirrors)
{
    /// <summary>Ports whose leaving copies a capture or a mirroring session takes, this batch (the taps' OutboundPorts, set by the engine).</summary>
    public ulong CapturedPorts;

    /// <summary>Per-VM counters (`vm_counters`), or null when off (the engine sets it).</summary>
    public HostTrafficTable? Hosts;

    /// <summary>Each port's queues, by port index; the transmitter takes from them.</summary>
    public EgressScheduler[] Queues { get; } = queues;

    /// <summary>Queues a copy on its port; <paramref name="vsi"/> is the VSI it is unicast to (null: none, or not a VSI port).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue<TMode>(ref FrameContext context, FrameBuffer frame, int port, VsiCounters? vsi)
        where TMode : struct, IReceiveMode
    {
        if (!TryQueue(frame, port, context.Kind, vsi))
        {
            Drop(ref context, frame, port, DropReason.EgressQueueFull, vsi);
            return;
        }
        if (TMode.Reports)
        {
            context.CopyQueued(port);
        }
        if ((CapturedPorts & (1UL << port)) != 0)
        {
            TapQueued(frame, port, context.Timestamp);
        }
        if (Hosts is not null && context.Kind == FrameKind.Unicast)
        {
            CountSent(ref context, frame, port);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountSent(ref FrameContext context, FrameBuffer frame, int port) =>
        Hosts!.Sent(port, frame.Vid, MacAddress.Read(frame.Span), frame.Length, context.Second);

    /// <summary>A copy queued on a tapped port, for the captures and the mirroring sessions of that port.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TapQueued(FrameBuffer frame, int port, long timestamp)
    {
        captures.TapOutbound(frame, port, timestamp, dropped: null);
        if ((mirrors.OutboundPorts & (1UL << port)) != 0)
        {
            mirrors.TapOutbound(frame, port);
        }
    }

    /// <summary>A buffer that is no frame's forwarding copy (a loop probe, a mirror copy) on its port; a full queue is counted there (false).</summary>
    public bool QueueOwnBuffer(FrameBuffer buffer, int port, FrameKind kind)
    {
        if (!TryQueue(buffer, port, kind, vsi: null))
        {
            counters[port].CountEgressDrop(DropReason.EgressQueueFull);
            pool.Release(buffer);
            return false;
        }
        return true;
    }

    /// <summary>A copy for <paramref name="port"/> dropped before its queue: counted, and the buffer back to the pool.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Drop(ref FrameContext context, FrameBuffer frame, int port, DropReason reason, VsiCounters? vsi)
    {
        CountDropped(ref context, port, reason, vsi);
        if ((CapturedPorts & (1UL << port)) != 0)
        {
            captures.TapOutbound(frame, port, context.Timestamp, reason);
        }
        pool.Release(frame);
    }

    /// <summary>A copy an egress ACL refused: the capture of its port sees it with the reason (the caller counted and recycles it).</summary>
    public void CaptureRefused(ref FrameContext context, FrameBuffer frame, int port, DropReason reason)
    {
        if ((CapturedPorts & (1UL << port)) != 0)
        {
            captures.TapOutbound(frame, port, context.Timestamp, reason);
        }
    }

    /// <summary>A copy meant for <paramref name="port"/> (and for the VSI <paramref name="vsi"/> behind it, if any) was dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void CountDropped(ref FrameContext context, int port, DropReason reason, VsiCounters? vsi)
    {
        context.CopyDropped(port, reason);
        counters[port].CountEgressDrop(reason);
        vsi?.CountEgressDrop(reason);
    }

    /// <summary>
    /// One buffer on the queues of <paramref name="ports"/> (two or more, none tapped, reported on or
    /// counted by host), each queue holding a reference of its own: the caller's reference goes with one
    /// copy and the buffer gains one per other port first. Each copy queued is counted sent as a copy
    /// of <typeparamref name="TKind"/>; the ports whose queue was full come back, each still holding its
    /// reference, for the caller to drop (<see cref="Drop"/>: counted, and that reference released).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong QueueShared<TKind>(FrameBuffer frame, ulong ports)
        where TKind : struct, ICopyKind
    {
        FramePool.Share(frame, BitOperations.PopCount(ports) - 1);
        EgressScheduler[] queues = Queues;
        PortCounters[] sent = counters;
        int length = frame.Length;
        int trafficClass = frame.TrafficClass;
        ulong full = 0;
        do
        {
            int port = BitOperations.TrailingZeroCount(ports);
            ports &= ports - 1;
            if (queues[port].TryEnqueue(frame, trafficClass))
            {
                PortCounters counted = sent[port];
                counted.TxFrames++;
                counted.TxBytes += length;
                TKind.CountSent(counted);
            }
            else
            {
                full |= 1UL << port;
            }
        }
        while (ports != 0);
        return full;
    }

    /// <summary>The copy on its port's queue and counted sent; false when the queue is full (nothing done). Enqueue's first step, alone for the engine's fast path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryQueue(FrameBuffer frame, int port, FrameKind kind, VsiCounters? vsi)
    {
        if (!Queues[port].TryEnqueue(frame, frame.TrafficClass))
        {
            return false;
        }
        vsi?.CountTx(frame.Length);
        PortCounters sent = counters[port];
        sent.TxFrames++;
        sent.TxBytes += frame.Length;
        switch (kind)
        {
            case FrameKind.Unicast:
                sent.TxUnicast++;
                break;
            case FrameKind.Multicast:
                sent.TxMulticast++;
                break;
            default:
                sent.TxBroadcast++;
                break;
        }
        return true;
    }

    /// <summary>
    /// Queues a unicast copy of <paramref name="length"/> bytes in <paramref name="trafficClass"/> (the
    /// frame's) that <see cref="EgressScheduler.HasRoom"/> said fits, on a port without VSIs, given that
    /// port's queues and counters, and counts it sent: TryQueue for the engine's fast loop, which holds
    /// the arrays, knows the kind, and wants the queue's store (a GC write barrier call) to come last.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void QueueUnicast(EgressScheduler queue, PortCounters sent, FrameBuffer frame, int trafficClass, int length)
    {
        sent.TxFrames++;
        sent.TxBytes += length;
        sent.TxUnicast++;
        queue.Enqueue(frame, trafficClass, length);
    }
}
