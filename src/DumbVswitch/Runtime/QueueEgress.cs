// The VEPA switch's egress in the running vswitch: each decided copy is handed to its port's
// PortQueues, which sends it (device ports), queues it (stream ports), or counts why it could not
// (tx-link-down, tx-queue-full, tx-send-failed, in the port's LinkCounters). Nothing waits, so the
// forwarding loop never stalls on a slow VM, and every loss is counted once, by the port.
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>Called only from the forwarding thread (the single producer of every Outbound queue).</summary>
internal sealed class QueueEgress(PortQueues uplink, PortQueues[] vms) : IVepaEgress
{
    public EgressOutcome SendToUplink(ReadOnlySpan<byte> frame) => Send(uplink, frame);

    public EgressOutcome SendToVm(int vm, ReadOnlySpan<byte> frame) => Send(vms[vm], frame);

    /// <summary>Always Sent (handed to the port): what became of the copy is the port's to count.</summary>
    private static EgressOutcome Send(PortQueues port, ReadOnlySpan<byte> frame)
    {
        port.Send(frame);
        return EgressOutcome.Sent;
    }
}
