// The vswitch's stage (VepaStage) over stream ports, with the test as its forwarding thread: frames go
// in as the loop hands them over (pooled buffers with their ingress port, one batch per call), Transmit
// hands the stage's rings to a real PortIo, and a port's Outbound holds what left it (its send pump is
// the test). For the stage's egress without a thread, a transport or a clock in the way.
using Hairpin.Bridge.Core.Frames;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class DrivenVepaStage : IDisposable
{
    /// <summary>The uplink's index in the loop's ports (VM i is 1 + i).</summary>
    public const int UplinkPort = 0;

    private readonly PortReadiness _readiness = PortReadiness.Create();
    private readonly FrameBuffer[] _batch = new FrameBuffer[ForwardingLoop.BatchSize];

    /// <param name="outboundSlots">Frames each port's Outbound holds before its port is backed up.</param>
    /// <param name="poolSize">Buffers in the pool (default: what the runtime gives these ports).</param>
    public DrivenVepaStage(IReadOnlyList<VmConfig> vms, int outboundSlots = 1024, int queueLength = VepaStage.DefaultQueueLength, int? poolSize = null)
    {
        Switch = new VepaSwitch(vms);
        Uplink = new PortQueues("uplink", outboundSlots, VepaSwitch.DefaultMaxFrameSize, _readiness.Wake);
        Vms = [.. vms.Select(vm => new PortQueues(vm.Name, outboundSlots, VepaSwitch.DefaultMaxFrameSize, _readiness.Wake))];
        Ports = [Uplink, .. Vms];
        foreach (PortQueues port in Ports)
        {
            port.MarkUp();
        }
        Io = new PortIo(_readiness, Ports);
        Pool = new FramePool(poolSize ?? VepaStage.PoolSize(Ports.Length, queueLength), VepaSwitch.DefaultMaxFrameSize);
        Stage = new VepaStage(Switch, Uplink, Vms, Pool, afterGoodbye: TransportsStop, queueLength: queueLength);
    }

    public VepaSwitch Switch { get; }
    public PortQueues Uplink { get; }
    public PortQueues[] Vms { get; }
    /// <summary>The loop's ports: the uplink, then the VMs.</summary>
    public PortQueues[] Ports { get; }
    public PortIo Io { get; }
    public FramePool Pool { get; }
    public VepaStage Stage { get; }

    /// <summary>How often the stage let the transports stop, and each port's Outbound count and tx drops at that moment.</summary>
    public List<(int Outbound, long TxDropped)[]> TransportStops { get; } = [];

    /// <summary>One batch: each frame (in order) into a pooled buffer arriving on <paramref name="port"/>; nothing allocated.</summary>
    public void Process(int port, IReadOnlyList<byte[]> frames)
    {
        if (frames.Count > _batch.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), "more frames than the loop gathers in one batch");
        }
        for (int i = 0; i < frames.Count; i++)
        {
            if (!Pool.TryRent(out FrameBuffer? buffer) || !buffer.TryCopyFrom(frames[i]))
            {
                throw new InvalidOperationException("the test's pool cannot hold the batch");
            }
            buffer.IngressPort = port;
            _batch[i] = buffer;
        }
        Stage.Process(_batch.AsSpan(0, frames.Count));
    }

    /// <summary>The stage's turn to transmit: true while a backed-up port keeps copies waiting.</summary>
    public bool Transmit() => Stage.Transmit(Io);

    /// <summary>Takes what <paramref name="port"/>'s Outbound holds, oldest first, as its send pump would.</summary>
    public List<byte[]> TakeSent(int port)
    {
        var sent = new List<byte[]>();
        FrameSlots outbound = Ports[port].Outbound;
        while (outbound.TryPeek(out ReadOnlySpan<byte> frame))
        {
            sent.Add(frame.ToArray());
            outbound.Release();
        }
        return sent;
    }

    /// <summary>Empties every Outbound without keeping (or allocating) anything; returns how many frames they held.</summary>
    public int DiscardSent()
    {
        int discarded = 0;
        foreach (PortQueues port in Ports)
        {
            while (port.Outbound.TryPeek(out _))
            {
                port.Outbound.Release();
                discarded++;
            }
        }
        return discarded;
    }

    private void TransportsStop() =>
        TransportStops.Add([.. Ports.Select(port => (port.Outbound.Count, port.Counters.TxDroppedTotal))]);

    public void Dispose()
    {
        foreach (PortQueues port in Ports)
        {
            port.Dispose();
        }
        _readiness.Dispose();
    }
}
