// The one place that turns an attachment from the config file into the transport that serves it.
namespace Hairpin.Host.Transports;

public static class TransportFactory
{
    /// <exception cref="ArgumentException">The attachment is malformed (e.g. a stream address that is not HOST:PORT).</exception>
    public static IPortTransport Create(AttachSpec attach) => attach switch
    {
        AfPacketAttach afPacket => new AfPacketTransport(afPacket),
        TapAttach tap => new TapTransport(tap),
        StreamAttach stream => new StreamTransport(stream),
        null => throw new ArgumentNullException(nameof(attach)),
        _ => throw new ArgumentException($"no transport for {attach.Describe()}", nameof(attach)),
    };
}
