// A device port (afpacket, tap) is only ever read by a forwarding thread (PortIo): a device transport
// started on queues no PortIo serves would open a device nobody reads, so it refuses at once and says
// which port and what is missing. Needs no root: it fails before opening anything.
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class DeviceTransportWithoutLoopTests
{
    public static TheoryData<string> DeviceAttachments => ["afpacket", "tap"];

    [Theory]
    [MemberData(nameof(DeviceAttachments))]
    public async Task ADeviceTransportOnQueuesNoForwardingLoopServesRefusesToStart(string kind)
    {
        using var wake = new ManualResetEventSlim();
        using var queues = new PortQueues("lonely", slots: 8, slotSize: 2048, wake);
        AttachSpec attach = kind == "tap" ? new TapAttach("hpnoloop0") : new AfPacketAttach("lo");
        IPortTransport transport = TransportFactory.Create(attach);

        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => transport.RunAsync(queues, CancellationToken.None));

        Assert.Contains("port lonely", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no forwarding loop", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, queues.Counters.LinkUps);   // nothing was opened
        await Assert.ThrowsAsync<InvalidOperationException>(() => transport.DisposeAsync().AsTask());   // disposing reports the failed run again
    }
}
