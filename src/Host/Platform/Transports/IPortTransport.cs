// One port's link to the outside world. A transport runs until cancelled: it receives frames from its
// peer into PortQueues.Inbound and sends what the bridge put in PortQueues.Outbound. A peer that goes
// away (VM stopped, interface deleted, QEMU restarted) only marks this port down; the transport keeps
// trying to get it back and never throws out of RunAsync except on cancellation.
namespace Hairpin.Host.Transports;

public interface IPortTransport : IAsyncDisposable
{
    AttachSpec Attach { get; }

    Task RunAsync(PortQueues queues, CancellationToken cancellation);
}
