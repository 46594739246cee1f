// Reads an ECP payload (the bytes after EtherType 0x8940, Ethernet padding included) without ever
// throwing: a short payload, another version or a reserved operation is reported in Check.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Qbg.Ecp;

/// <summary>A view over one ECP payload. Construct, then test <see cref="IsValid"/>; fields are zero unless Ok.</summary>
public readonly ref struct EcpReader
{
    public EcpReader(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < EcpHeader.Size)
        {
            Check = EcpCheck.Truncated;
            return;
        }
        ushort word = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (word >> 12 != EcpHeader.Version)
        {
            Check = EcpCheck.BadVersion;
            return;
        }
        int operation = (word >> 10) & 0x3;
        if (operation > (int)EcpOperation.Ack)
        {
            Check = EcpCheck.BadOperation;
            return;
        }
        Header = new EcpHeader((EcpOperation)operation, (EcpSubtype)(word & EcpHeader.MaxSubtype), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        // An ACK carries nothing: whatever follows its header is Ethernet padding (60-byte frames on a
        // wire, none on veth). A REQ's body keeps any padding; VDP reads zeros as its End TLV.
        Body = Header.Operation == EcpOperation.Request ? payload[EcpHeader.Size..] : default;
    }

    public EcpCheck Check { get; }
    public bool IsValid => Check == EcpCheck.Ok;

    public EcpHeader Header { get; }
    /// <summary>The upper-layer PDU of a request, padding included; empty for an ACK.</summary>
    public ReadOnlySpan<byte> Body { get; }
}
