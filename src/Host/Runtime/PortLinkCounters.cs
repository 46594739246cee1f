// Counters of the host side of a port, beside the engine's: frames lost between the wire and the
// engine. Written by the forwarding thread; read by management and metrics (64-bit reads are atomic).
namespace Hairpin.Host.Runtime;

public sealed class PortLinkCounters
{
    /// <summary>Frames the engine sent while the port's peer was away (dropped, not queued).</summary>
    public long TxDroppedLinkDown { get; internal set; }
    /// <summary>Frames the transport could not take because its outbound queue was full.</summary>
    public long TxDroppedQueueFull { get; internal set; }
    /// <summary>Frames received but not forwarded because the buffer pool was empty.</summary>
    public long RxDroppedNoBuffer { get; internal set; }
}
