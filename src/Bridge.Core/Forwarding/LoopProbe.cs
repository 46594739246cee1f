// The loop detection probe: a multicast frame that every bridge floods (it is not link-local), from
// the bridge's own address, carrying which bridge and which port sent it. EtherType 0x88B5 is IEEE's
// local experimental type; "HPLD" marks the payload as Hairpin's.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

internal static class LoopProbe
{
    /// <summary>A locally administered group address (first octet 0x03): flooded, never trapped.</summary>
    public const ulong DestinationValue = 0x03_48_50_4C_50_00;
    public static readonly MacAddress Destination = new(DestinationValue);
    public const ushort EtherType = 0x88B5;
    private const uint Magic = 0x48_50_4C_44;   // "HPLD"
    private const int PayloadSize = 4 + 6 + 2 + 4;
    private const int MinimumFrameSize = 60;

    /// <summary>Writes a probe; <paramref name="tagControl"/> 0 means untagged. Returns the frame length.</summary>
    public static int Write(Span<byte> frame, MacAddress bridge, int port, uint sequence, ushort tagControl)
    {
        frame[..MinimumFrameSize].Clear();
        Destination.Write(frame);
        bridge.Write(frame[6..]);
        int offset = 12;
        if (tagControl != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[offset..], EtherTypes.CustomerVlan);
            BinaryPrimitives.WriteUInt16BigEndian(frame[(offset + 2)..], tagControl);
            offset += 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame[offset..], EtherType);
        Span<byte> payload = frame[(offset + 2)..];
        BinaryPrimitives.WriteUInt32BigEndian(payload, Magic);
        bridge.Write(payload[4..]);
        BinaryPrimitives.WriteUInt16BigEndian(payload[10..], (ushort)port);
        BinaryPrimitives.WriteUInt32BigEndian(payload[12..], sequence);
        return Math.Max(MinimumFrameSize, offset + 2 + PayloadSize);
    }

    public static bool TryRead(ReadOnlySpan<byte> frame, out MacAddress bridge, out int port)
    {
        bridge = default;
        port = -1;
        var header = new EthernetReader(frame);
        ReadOnlySpan<byte> payload = header.IsValid ? header.Payload : default;
        if (header.EtherTypeOrLength != EtherType || payload.Length < PayloadSize || BinaryPrimitives.ReadUInt32BigEndian(payload) != Magic)
        {
            return false;
        }
        bridge = MacAddress.Read(payload[4..]);
        port = BinaryPrimitives.ReadUInt16BigEndian(payload[10..]);
        return true;
    }
}
