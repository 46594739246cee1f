// The floor of what forwarding costs in C# on this machine (issue 11): a learning bridge with nothing
// but the per-frame work every bridge must do, over the engine's own pooled buffers (FramePool,
// FrameBuffer) and its ring type (FrameRing). Per frame it counts the frame in, reads both MACs, learns
// the source with a timestamp, looks up the destination, applies reflective relay, enqueues on the
// egress port's ring and counts the frame out. ReferenceBenchmarks runs it exactly as
// ForwardingBenchmarks runs BridgeEngine, so the budget gate can hold the engine to a ratio of it.
//
// What it leaves out on purpose, so that it stays a floor: VLAN tags (every frame is in one VLAN),
// flooding (an unknown or group destination is a counted drop), port states, ACLs, QoS, protection
// features, per-reason drop counters. It is a measuring stick, not a bridge to run.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Benchmarks.Reference;

internal sealed class MinimalLearningBridge
{
    private const int AddressesSize = 12;

    private readonly FramePool _pool;
    private readonly MinimalMacTable _macs;
    private readonly FrameRing[] _egress;
    private readonly PortTally[] _tallies;
    private readonly ulong _hairpinPorts;   // bit p: port p may send a frame back out the port it came in on
    private readonly int _vid;

    public MinimalLearningBridge(FramePool pool, int portCount, ulong hairpinPorts, int macCapacity, int egressRingCapacity, int vid = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(portCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(portCount, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(vid, 1);
        _pool = pool;
        _macs = new MinimalMacTable(macCapacity);
        _egress = new FrameRing[portCount];
        for (int port = 0; port < portCount; port++)
        {
            _egress[port] = new FrameRing(egressRingCapacity);
        }
        _tallies = new PortTally[portCount];
        _hairpinPorts = hairpinPorts;
        _vid = vid;
    }

    public int PortCount => _egress.Length;
    public MinimalMacTable Macs => _macs;
    public FrameRing Egress(int port) => _egress[port];
    public PortTally Tally(int port) => _tallies[port];

    /// <summary>Forwards a batch; every buffer ends on an egress ring or back in the pool (counted as dropped).</summary>
    public void ProcessBatch(ReadOnlySpan<FrameBuffer> frames, uint now)
    {
        foreach (FrameBuffer frame in frames)
        {
            Forward(frame, now);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Forward(FrameBuffer frame, uint now)
    {
        int port = frame.IngressPort;
        PortTally[] tallies = _tallies;
        if ((uint)port >= (uint)tallies.Length)
        {
            _pool.Release(frame);   // no port to count it on: the caller handed in a frame from nowhere
            return;
        }
        ReadOnlySpan<byte> bytes = frame.Span;
        ref PortTally ingress = ref tallies[port];
        ingress.RxFrames++;
        ingress.RxBytes += bytes.Length;
        if (bytes.Length < AddressesSize)
        {
            Drop(frame, ref ingress);
            return;
        }
        var destination = MacAddress.Read(bytes);
        var source = MacAddress.Read(bytes[6..]);
        if (!source.IsGroup)
        {
            _macs.Learn(_vid, source, port, now);
        }
        int target = destination.IsGroup ? -1 : _macs.Lookup(_vid, destination);
        // Reflective relay: back out the ingress port only where that port allows it.
        if (target < 0 || (target == port && (_hairpinPorts & (1UL << port)) == 0) || !_egress[target].TryEnqueue(frame))
        {
            Drop(frame, ref ingress);
            return;
        }
        ref PortTally egress = ref tallies[target];
        egress.TxFrames++;
        egress.TxBytes += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Drop(FrameBuffer frame, ref PortTally ingress)
    {
        ingress.Dropped++;
        _pool.Release(frame);
    }
}
