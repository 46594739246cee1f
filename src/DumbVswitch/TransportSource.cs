// Where each port's transport comes from. The transports (AF_PACKET, TAP, QEMU stream) belong to the
// Host (branch `transports`); this is the one call site to switch to TransportFactory.Create when it lands.
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch;

internal static class TransportSource
{
    /// <exception cref="NotSupportedException">Until the transports are merged.</exception>
    public static IPortTransport Create(AttachSpec attach) =>
        throw new NotSupportedException($"cannot attach {attach.Describe()}: this build has no transports yet (TransportFactory)");
}
