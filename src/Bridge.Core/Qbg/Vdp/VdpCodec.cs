// Reads a VDPDU into records and writes records back with the same field layout (802.1Qbg-2012 41.2).
// Parsing never throws: structure errors are reported; meaning (unknown VSIID formats, bad VIDs) is left
// to the bridge, which must answer those. Encoding ends with the End TLV, which lldpad accepts.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

public static class VdpCodec
{
    private const int StatusOffset = 0;
    private const int TypeIdOffset = 1;
    private const int TypeVersionOffset = 4;
    private const int VsiIdFormatOffset = 5;
    private const int VsiIdOffset = 6;
    private const int FilterFormatOffset = 22;
    private const int EntryCountOffset = 23;

    /// <summary>Reads a VDPDU. Organizational and unknown TLVs are skipped; a Manager ID must come first, once.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out VdpMessage message, out VdpParseFailure failure)
    {
        message = new VdpMessage(null, []);
        failure = default;
        var reader = new VdpTlvReader(payload);
        VdpManagerId? manager = null;
        var vsis = new List<VsiTlv>();
        bool first = true;
        while (reader.Read())
        {
            switch (reader.Type)
            {
                case VdpTlvType.ManagerId:
                    if (!first)
                    {
                        failure = new(manager is null ? VdpParseError.ManagerIdNotFirst : VdpParseError.DuplicateManagerId, reader.Offset);
                        return false;
                    }
                    if (reader.Value.Length != VdpManagerId.Size)
                    {
                        failure = new(VdpParseError.ManagerIdSize, reader.Offset);
                        return false;
                    }
                    manager = VdpManagerId.Read(reader.Value);
                    break;
                case VdpTlvType.PreAssociate or VdpTlvType.PreAssociateWithReservation or VdpTlvType.Associate or VdpTlvType.DeAssociate:
                    VdpParseError error = TryReadVsi((VdpRequest)reader.Type, reader.Value, out VsiTlv? vsi);
                    if (error != VdpParseError.None)
                    {
                        failure = new(error, reader.Offset);
                        return false;
                    }
                    vsis.Add(vsi!);
                    break;
                default:
                    break;   // organizational (127) and types this edition does not define: skipped
            }
            first = false;
        }
        if (reader.Error != VdpParseError.None)
        {
            failure = new(reader.Error, reader.Offset);
            return false;
        }
        message = new VdpMessage(manager, vsis);
        return true;
    }

    private static VdpParseError TryReadVsi(VdpRequest type, ReadOnlySpan<byte> value, out VsiTlv? vsi)
    {
        vsi = null;
        if (value.Length < VsiTlv.FixedSize)
        {
            return VdpParseError.VsiTlvTooShort;
        }
        var filterFormat = (VdpFilterFormat)value[FilterFormatOffset];
        int entrySize = VdpFilter.EntrySize(filterFormat);
        if (entrySize == 0)
        {
            return VdpParseError.UnknownFilterFormat;
        }
        int count = BinaryPrimitives.ReadUInt16BigEndian(value[EntryCountOffset..]);
        if (value.Length != VsiTlv.FixedSize + (count * entrySize))
        {
            return VdpParseError.EntryCountMismatch;
        }
        var filters = new VdpFilter[count];
        for (int i = 0; i < count; i++)
        {
            filters[i] = VdpFilter.Read(filterFormat, value.Slice(VsiTlv.FixedSize + (i * entrySize), entrySize));
        }
        uint typeId = ((uint)value[TypeIdOffset] << 16) | ((uint)value[TypeIdOffset + 1] << 8) | value[TypeIdOffset + 2];
        var id = VsiId.Read((VsiIdFormat)value[VsiIdFormatOffset], value.Slice(VsiIdOffset, VsiId.Size));
        vsi = new VsiTlv(type, new VdpStatus(value[StatusOffset]), typeId, value[TypeVersionOffset], id, filterFormat, filters);
        return VdpParseError.None;
    }

    /// <summary>Bytes <see cref="Write"/> needs for <paramref name="message"/>, End TLV included.</summary>
    public static int EncodedSize(VdpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int size = VdpTlvReader.HeaderSize;   // End
        if (message.ManagerId is not null)
        {
            size += VdpTlvReader.HeaderSize + VdpManagerId.Size;
        }
        foreach (VsiTlv vsi in message.Vsis)
        {
            size += VdpTlvReader.HeaderSize + VsiValueSize(vsi);
        }
        return size;
    }

    public static byte[] Encode(VdpMessage message)
    {
        var payload = new byte[EncodedSize(message)];
        Write(message, payload);
        return payload;
    }

    /// <summary>
    /// Writes the Manager ID (when present), the VSI TLVs and the End TLV; returns the bytes written.
    /// Throws ArgumentException for a record the wire cannot carry (a programming error, not bad input).
    /// </summary>
    public static int Write(VdpMessage message, Span<byte> destination)
    {
        int size = EncodedSize(message);
        if (destination.Length < size)
        {
            throw new ArgumentException($"{size} bytes needed, {destination.Length} given", nameof(destination));
        }
        int offset = 0;
        if (message.ManagerId is VdpManagerId manager)
        {
            WriteHeader(destination, VdpTlvType.ManagerId, VdpManagerId.Size);
            manager.Write(destination[VdpTlvReader.HeaderSize..]);
            offset += VdpTlvReader.HeaderSize + VdpManagerId.Size;
        }
        foreach (VsiTlv vsi in message.Vsis)
        {
            offset += WriteVsi(vsi, destination[offset..]);
        }
        WriteHeader(destination[offset..], VdpTlvType.End, 0);
        return offset + VdpTlvReader.HeaderSize;
    }

    private static int VsiValueSize(VsiTlv vsi)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        int entrySize = VdpFilter.EntrySize(vsi.FilterFormat);
        if (entrySize == 0)
        {
            throw new ArgumentException($"filter format {(byte)vsi.FilterFormat} is not defined", nameof(vsi));
        }
        int size = VsiTlv.FixedSize + (vsi.Filters.Count * entrySize);
        if (size > VdpTlvReader.MaxValueSize)
        {
            throw new ArgumentException($"{vsi.Filters.Count} {vsi.FilterFormat} entries do not fit one VSI TLV", nameof(vsi));
        }
        return size;
    }

    private static int WriteVsi(VsiTlv vsi, Span<byte> destination)
    {
        if (vsi.Type is < VdpRequest.PreAssociate or > VdpRequest.DeAssociate)
        {
            throw new ArgumentException($"{(byte)vsi.Type} is not a VSI TLV type", nameof(vsi));
        }
        if (vsi.TypeId > VsiTlv.MaxTypeId)
        {
            throw new ArgumentException($"VSI type ID {vsi.TypeId} does not fit 24 bits", nameof(vsi));
        }
        int valueSize = VsiValueSize(vsi);
        WriteHeader(destination, (VdpTlvType)vsi.Type, valueSize);
        Span<byte> value = destination.Slice(VdpTlvReader.HeaderSize, valueSize);
        value[StatusOffset] = vsi.Status.Value;
        value[TypeIdOffset] = (byte)(vsi.TypeId >> 16);
        value[TypeIdOffset + 1] = (byte)(vsi.TypeId >> 8);
        value[TypeIdOffset + 2] = (byte)vsi.TypeId;
        value[TypeVersionOffset] = vsi.TypeVersion;
        value[VsiIdFormatOffset] = (byte)vsi.VsiId.Format;
        vsi.VsiId.Write(value[VsiIdOffset..]);
        value[FilterFormatOffset] = (byte)vsi.FilterFormat;
        BinaryPrimitives.WriteUInt16BigEndian(value[EntryCountOffset..], (ushort)vsi.Filters.Count);
        int entrySize = VdpFilter.EntrySize(vsi.FilterFormat);
        for (int i = 0; i < vsi.Filters.Count; i++)
        {
            VdpFilter filter = vsi.Filters[i];
            if (filter.Unencodable(vsi.FilterFormat) is string why)
            {
                throw new ArgumentException($"VSI {vsi.VsiId} filter {i}: {why}", nameof(vsi));
            }
            filter.Write(value.Slice(VsiTlv.FixedSize + (i * entrySize), entrySize));
        }
        return VdpTlvReader.HeaderSize + valueSize;
    }

    private static void WriteHeader(Span<byte> destination, VdpTlvType type, int valueSize) =>
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(((int)type << 9) | valueSize));
}
