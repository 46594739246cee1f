// One filter entry of a VSI TLV (802.1Qbg-2012 41.2.9): the traffic that belongs to the VSI, as a VID
// with optionally a MAC address and/or a GroupID. VID 0 in a request asks the bridge to choose one.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

public enum VdpFilterFormat : byte
{
    /// <summary>PCP/VID (2 bytes).</summary>
    Vid = 1,
    /// <summary>MAC (6) then PCP/VID (2).</summary>
    MacVid = 2,
    /// <summary>GroupID (4) then PCP/VID (2).</summary>
    GroupVid = 3,
    /// <summary>GroupID (4), MAC (6), then PCP/VID (2).</summary>
    GroupMacVid = 4,
}

/// <param name="Pcp">Priority (0-7), meaningful when <paramref name="PcpSignificant"/> (the PS bit).</param>
/// <param name="Vid">0-4095; 0 in a request means "bridge, assign one".</param>
/// <param name="Mac">Present exactly in the MAC formats.</param>
/// <param name="GroupId">Present exactly in the GroupID formats.</param>
public readonly record struct VdpFilter(int Pcp, bool PcpSignificant, int Vid, MacAddress? Mac, uint? GroupId)
{
    public const int MaxVid = 0xFFF;
    private const ushort PcpSignificantBit = 0x8000;

    public static VdpFilter ForVid(int vid) => new(0, false, vid, null, null);
    public static VdpFilter ForMac(MacAddress mac, int vid) => new(0, false, vid, mac, null);
    public static VdpFilter ForGroup(uint groupId, int vid) => new(0, false, vid, null, groupId);
    public static VdpFilter ForGroupMac(uint groupId, MacAddress mac, int vid) => new(0, false, vid, mac, groupId);

    public VdpFilter WithVid(int vid) => this with { Vid = vid };

    /// <summary>Bytes of one entry in <paramref name="format"/>; 0 for a format 802.1Qbg-2012 does not define.</summary>
    public static int EntrySize(VdpFilterFormat format) => format switch
    {
        VdpFilterFormat.Vid => 2,
        VdpFilterFormat.MacVid => 8,
        VdpFilterFormat.GroupVid => 6,
        VdpFilterFormat.GroupMacVid => 12,
        _ => 0,
    };

    public static bool HasMac(VdpFilterFormat format) => format is VdpFilterFormat.MacVid or VdpFilterFormat.GroupMacVid;
    public static bool HasGroup(VdpFilterFormat format) => format is VdpFilterFormat.GroupVid or VdpFilterFormat.GroupMacVid;

    /// <summary>Reads one entry; <paramref name="entry"/> holds exactly <see cref="EntrySize"/> bytes.</summary>
    internal static VdpFilter Read(VdpFilterFormat format, ReadOnlySpan<byte> entry)
    {
        int offset = 0;
        uint? group = null;
        MacAddress? mac = null;
        if (HasGroup(format))
        {
            group = BinaryPrimitives.ReadUInt32BigEndian(entry);
            offset += 4;
        }
        if (HasMac(format))
        {
            mac = MacAddress.Read(entry[offset..]);
            offset += MacAddress.Size;
        }
        ushort word = BinaryPrimitives.ReadUInt16BigEndian(entry[offset..]);
        return new VdpFilter((word >> 12) & 0x7, (word & PcpSignificantBit) != 0, word & MaxVid, mac, group);
    }

    /// <summary>Why this entry cannot be written in <paramref name="format"/>, or null when it can.</summary>
    internal string? Unencodable(VdpFilterFormat format)
    {
        if (Pcp is < 0 or > 7)
        {
            return $"PCP {Pcp} is outside 0..7";
        }
        if (Vid is < 0 or > MaxVid)
        {
            return $"VID {Vid} is outside 0..{MaxVid}";
        }
        if (Mac.HasValue != HasMac(format) || GroupId.HasValue != HasGroup(format))
        {
            return $"entry {this} does not match filter format {format}";
        }
        return null;
    }

    internal void Write(Span<byte> entry)
    {
        int offset = 0;
        if (GroupId is uint group)
        {
            BinaryPrimitives.WriteUInt32BigEndian(entry, group);
            offset += 4;
        }
        if (Mac is MacAddress mac)
        {
            mac.Write(entry[offset..]);
            offset += MacAddress.Size;
        }
        int word = (PcpSignificant ? PcpSignificantBit : 0) | (Pcp << 12) | Vid;
        BinaryPrimitives.WriteUInt16BigEndian(entry[offset..], (ushort)word);
    }

    public override string ToString()
    {
        string pcp = PcpSignificant ? $" pcp {Pcp}" : "";
        string group = GroupId is uint g ? $"group {g} " : "";
        string mac = Mac is MacAddress m ? $"{m} " : "";
        return $"{group}{mac}vid {Vid}{pcp}";
    }
}
