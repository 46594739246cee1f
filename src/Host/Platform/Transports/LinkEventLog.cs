// The log lines of one port's link, written where the link changes (PortQueues.MarkUp/MarkDown):
// a warning when it goes down or cannot be reached (once per outage, not once per retry), and an
// information line when it comes up. Structured: Port, Interface (or stream address), Reason.
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Transports;

public sealed partial class LinkEventLog
{
    private readonly ILogger _logger;
    private readonly string _port;
    private readonly string _interface;

    public LinkEventLog(ILogger logger, string port, AttachSpec attach)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(attach);
        _logger = logger;
        _port = port;
        _interface = attach switch
        {
            AfPacketAttach afPacket => afPacket.Interface,
            TapAttach tap => tap.Interface,
            _ => attach.Describe(),
        };
    }

    internal void Down(string reason) => LinkDown(_port, _interface, reason);

    internal void Up() => LinkUp(_port, _interface);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "port {Port}: link down on {Interface}: {Reason}")]
    private partial void LinkDown(string port, string @interface, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "port {Port}: link up on {Interface}")]
    private partial void LinkUp(string port, string @interface);
}
