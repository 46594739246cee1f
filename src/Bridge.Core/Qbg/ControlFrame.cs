// The Ethernet envelope of the 802.1Qbg control plane: LLDP (with the EVB TLV), ECP and VDP all travel
// untagged to the Nearest Customer Bridge address 01-80-C2-00-00-00 (802.1Qbg-2012; lldpad ignores an
// EVB TLV sent anywhere else). The protocol machines deal in payloads; this wraps and unwraps them.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg;

public static class ControlFrame
{
    /// <summary>01-80-C2-00-00-00: the Nearest Customer Bridge group address, trapped and never forwarded.</summary>
    public static readonly MacAddress NearestCustomerBridge = new(0x0180_C200_0000UL);

    public const int HeaderSize = 14;
    /// <summary>Smallest Ethernet frame without FCS: shorter frames are padded with zeros.</summary>
    public const int MinimumSize = 60;

    /// <summary>An untagged frame from <paramref name="source"/> to the Nearest Customer Bridge address.</summary>
    public static byte[] Build(MacAddress source, ushort etherType, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Math.Max(MinimumSize, HeaderSize + payload.Length)];
        NearestCustomerBridge.Write(frame);
        source.Write(frame.AsSpan(MacAddress.Size));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2 * MacAddress.Size), etherType);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    /// <summary>
    /// The source, EtherType and payload of a control frame. One C-tag is stepped over (a packet socket
    /// may hand a VID-0 priority tag back); the payload keeps any padding, which every parser tolerates.
    /// False for a runt or a frame to another address.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out MacAddress source, out ushort etherType, out ReadOnlySpan<byte> payload)
    {
        source = default;
        etherType = 0;
        payload = default;
        if (frame.Length < HeaderSize || MacAddress.Read(frame) != NearestCustomerBridge)
        {
            return false;
        }
        source = MacAddress.Read(frame[MacAddress.Size..]);
        int offset = 2 * MacAddress.Size;
        etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        if (etherType == EtherTypes.CustomerVlan)
        {
            if (frame.Length < HeaderSize + 4)
            {
                return false;
            }
            offset += 4;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        }
        payload = frame[(offset + 2)..];
        return true;
    }
}
