// The outcome of reading an L3 or L4 header. One enum for every reader (ARP, IPv4, IPv6, TCP, UDP,
// ICMP) so that the classifier can hand any reader's verdict straight up.
namespace Hairpin.Bridge.Core.Headers;

public enum HeaderCheck : byte
{
    Ok,
    /// <summary>Fewer bytes than the header's fixed part, or an IPv6 extension header running past the payload.</summary>
    Truncated,
    /// <summary>The IP version nibble is not the one this reader parses.</summary>
    BadVersion,
    /// <summary>IPv4 IHL or TCP data offset below 5 words, or reaching past the bytes available.</summary>
    BadHeaderLength,
    /// <summary>IPv4 total length, IPv6 payload length or UDP length inconsistent with the bytes available.</summary>
    BadTotalLength,
    /// <summary>More than <see cref="Ipv6Reader.MaxExtensionHeaders"/> IPv6 extension headers: refused rather than walked, to bound per-packet work.</summary>
    TooManyExtensionHeaders,
    /// <summary>Well-formed so far but a variant the reader does not parse (ARP other than Ethernet/IPv4).</summary>
    Unsupported,
    /// <summary>
    /// The Ethernet header itself could not be read (any <see cref="EthernetCheck"/> other than Ok).
    /// Only <see cref="PacketClassifier"/> reports it; kept apart from <see cref="Truncated"/> so that
    /// counters can tell a broken link-layer header from a broken L3/L4 one.
    /// </summary>
    MalformedLink,
}
