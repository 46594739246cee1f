// placeholder
namespace Hairpin.Host.Transports;

public sealed class TapTransport(TapAttach attach) : PortTransport
{
    public override AttachSpec Attach => attach;

    protected override Task RunUntilCancelledAsync(PortQueues queues, CancellationToken cancellation) => throw new NotImplementedException();
}
