// A VSI TLV (types 1-4, 802.1Qbg-2012 41.2.3-41.2.9): what a station asks for one VSI, or the bridge's
// answer to it. Fixed part of 25 bytes, then entry count x entry size of filter entries.
namespace Hairpin.Bridge.Core.Qbg.Vdp;

/// <param name="TypeId">The VSI type (24 bits), defined in the manager's database.</param>
public sealed record VsiTlv(
    VdpRequest Type,
    VdpStatus Status,
    uint TypeId,
    byte TypeVersion,
    VsiId VsiId,
    VdpFilterFormat FilterFormat,
    IReadOnlyList<VdpFilter> Filters)
{
    /// <summary>Status, type ID, version, VSIID format, VSIID, filter format and entry count.</summary>
    public const int FixedSize = 25;
    public const uint MaxTypeId = 0xFF_FFFF;

    public VsiIdFormat VsiIdFormat => VsiId.Format;

    /// <summary>Same type, status, VSI type and version, VSIID, filter format and entries (record equality compares the list by reference).</summary>
    public bool SameContent(VsiTlv other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Type == other.Type && Status == other.Status && TypeId == other.TypeId && TypeVersion == other.TypeVersion
            && VsiId == other.VsiId && FilterFormat == other.FilterFormat && Filters.SequenceEqual(other.Filters);
    }

    public override string ToString() =>
        $"{Type} {VsiId} type {TypeId} v{TypeVersion} status {Status} [{string.Join(", ", Filters)}]";
}

/// <summary>
/// One VDPDU: the Manager ID TLV (which lldpad requires first), then VSI TLVs. A null manager means the
/// payload had none first; a bridge drops such a request as lldpad does.
/// </summary>
public sealed record VdpMessage(VdpManagerId? ManagerId, IReadOnlyList<VsiTlv> Vsis)
{
    public override string ToString() => $"manager {ManagerId?.ToString() ?? "(none)"}: {string.Join("; ", Vsis)}";
}
