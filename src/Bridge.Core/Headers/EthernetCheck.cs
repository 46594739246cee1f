// The outcome of reading an Ethernet header: either usable, or one named kind of malformation.
namespace Hairpin.Bridge.Core.Headers;

public enum EthernetCheck : byte
{
    Ok,
    /// <summary>Shorter than the 14-byte Ethernet header.</summary>
    Runt,
    /// <summary>An 802.1Q/802.1ad tag announced but cut short.</summary>
    TruncatedTag,
    /// <summary>An 802.3 length field between 1501 and 1535: neither a length nor an EtherType.</summary>
    InvalidLengthField,
    /// <summary>An 802.3 length field larger than the bytes that follow it.</summary>
    TruncatedPayload,
}
