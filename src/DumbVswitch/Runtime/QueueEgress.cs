// The VEPA switch's egress in the running vswitch: each decided copy goes into the port's outbound
// queue for its transport. A full queue or an absent peer refuses at once, so the forwarding loop
// never waits on a slow VM.
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>Called only from the forwarding thread (the single producer of every Outbound queue).</summary>
internal sealed class QueueEgress(PortQueues uplink, PortQueues[] vms) : IVepaEgress
{
    public EgressOutcome SendToUplink(ReadOnlySpan<byte> frame) => Send(uplink, frame);

    public EgressOutcome SendToVm(int vm, ReadOnlySpan<byte> frame) => Send(vms[vm], frame);

    private static EgressOutcome Send(PortQueues port, ReadOnlySpan<byte> frame)
    {
        if (!port.IsUp)
        {
            return EgressOutcome.PortDown;
        }
        return port.Send(frame) ? EgressOutcome.Sent : EgressOutcome.QueueFull;
    }
}
