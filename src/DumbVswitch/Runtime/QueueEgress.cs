// The VEPA switch's egress in the running vswitch: each decided copy is copied once into a buffer of
// the forwarding thread's FramePool and queued, in decision order, on its port's ring. After the batch
// VepaStage hands each ring to PortIo.Transmit, so a device port's copies leave together (a packet
// ring's in one sendmmsg) rather than in a locked send per copy, and a stream port's go to its pump
// as it keeps up. A copy that finds its ring full or no buffer free is refused here and counted by the
// switch (queue-full, pool-exhausted); what becomes of a queued copy later (tx-link-down, tx-queue-full,
// tx-send-failed) is the port's to count, in its LinkCounters. Nothing waits and nothing allocates.
using Hairpin.Bridge.Core.Frames;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>
/// Forwarding thread only: it queues copies while the switch decides, and drains the rings (through
/// PortIo) after each batch. Port 0 is the uplink, port 1 + i the VM i, as in the forwarding loop.
/// </summary>
internal sealed class QueueEgress : IVepaEgress
{
    private const int UplinkPort = 0;

    private readonly FramePool _pool;
    private readonly FrameRing[] _queues;
    private readonly PortQueues[] _ports;

    /// <param name="pool">Where copies are made; PortIo gives each buffer back once its frame has left.</param>
    /// <param name="ports">The uplink and every VM: whether a VM's peer is there decides whether a copy is made for it.</param>
    /// <param name="queueLength">Copies one port's ring holds.</param>
    public QueueEgress(FramePool pool, PortQueues[] ports, int queueLength)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentOutOfRangeException.ThrowIfLessThan(ports.Length, 1);
        _pool = pool;
        _ports = ports;
        _queues = new FrameRing[ports.Length];
        for (int port = 0; port < ports.Length; port++)
        {
            _queues[port] = new FrameRing(queueLength);
        }
    }

    public int PortCount => _queues.Length;

    /// <summary>The copies waiting for <paramref name="port"/>, oldest first.</summary>
    public FrameRing QueueOf(int port) => _queues[port];

    public EgressOutcome SendToUplink(ReadOnlySpan<byte> frame) => Queue(UplinkPort, frame);

    /// <summary>
    /// A VM whose peer is away (stopped, interface down or without carrier) gets no copy: the switch
    /// then offers it no flood copy, as the bridge offers none to a port without link, and counts a
    /// unicast for it as port-down. The uplink's copies are queued whatever its link (tx-link-down).
    /// </summary>
    public EgressOutcome SendToVm(int vm, ReadOnlySpan<byte> frame) => _ports[vm + 1].IsUp ? Queue(vm + 1, frame) : EgressOutcome.PortDown;

    private EgressOutcome Queue(int port, ReadOnlySpan<byte> frame)
    {
        FrameRing queue = _queues[port];
        if (queue.Count >= queue.Capacity)
        {
            return EgressOutcome.QueueFull;   // before renting: a full ring costs no buffer
        }
        if (!_pool.TryRent(out FrameBuffer? buffer))
        {
            return EgressOutcome.PoolExhausted;
        }
        if (!buffer.TryCopyFrom(frame))
        {
            // Larger than a pool buffer: VepaStage refuses a pool smaller than the switch's largest
            // frame, so this cannot happen; were it to, the copy is still counted, as no room for it.
            _pool.Release(buffer);
            return EgressOutcome.PoolExhausted;
        }
        _ = queue.TryEnqueue(buffer);   // room was checked above, on this same thread
        return EgressOutcome.Sent;
    }
}
