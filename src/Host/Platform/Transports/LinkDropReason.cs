// Why a frame was lost between a port's wire and the engine: the host's half of the port's accounting
// (the engine's half is DropReason). One enum, each member counted per port in LinkCounters, so that
// `stats` can say where every frame the kernel handed over, refused, or was given went.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Host.Transports;

public enum LinkDropReason : byte
{
    // Receive: frames the peer sent that never reached the engine.
    /// <summary>
    /// The kernel dropped the frame on its way to us: our packet socket's receive buffer was full
    /// (PACKET_STATISTICS tp_drops), or our tap's queue was (the tap's tx_dropped).
    /// </summary>
    RxSocketDrop,
    /// <summary>Larger than a queue slot (a GSO super-frame from veth, a jumbo frame).</summary>
    RxTooBig,
    /// <summary>The port's Inbound queue was full: the forwarding thread fell behind.</summary>
    RxQueueFull,
    /// <summary>The engine's frame pool was empty.</summary>
    RxNoBuffer,
    /// <summary>
    /// A stream peer broke the framing (a length of 0 or over 69,632): the frame it announced is lost,
    /// and so is the connection, which is dropped (the listener accepts again).
    /// </summary>
    RxProtocolError,

    // Send: copies the engine queued for the port that did not leave by it.
    /// <summary>The peer was away (no interface, not connected): dropped, never delivered late.</summary>
    TxLinkDown,
    /// <summary>The port's Outbound queue was full (stream ports: the peer reads slower than we send).</summary>
    TxQueueFull,
    /// <summary>The peer refused the frame: over its MTU, device queue full, tap administratively down, empty.</summary>
    TxSendFailed,
}

public static class LinkDropReasons
{
    public static readonly int Count = Enum.GetValues<LinkDropReason>().Length;

    /// <summary>"rx-socket-drop", "tx-link-down", ...: the prefix tells host losses from the engine's reasons.</summary>
    public static string Name(LinkDropReason reason) => KebabNames.Of(reason);

    /// <summary>The receive reasons come first in the enum, the send reasons (from TxLinkDown) after them.</summary>
    public static bool IsReceive(LinkDropReason reason) => reason < LinkDropReason.TxLinkDown;
}
