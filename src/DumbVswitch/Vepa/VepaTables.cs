// The VEPA switch's lookup tables, worked out once from the VM list (control path) so that the data
// path only indexes arrays: which VLAN group a VID belongs to, which VMs are in a group, and which VM
// of a group owns a MAC. Immutable once built.
using System.Collections.Frozen;
using Hairpin.DumbVswitch.Configuration;

namespace Hairpin.DumbVswitch.Vepa;

internal sealed class VepaTables
{
    /// <summary>The group of VMs without an access VLAN (they send and receive untagged frames).</summary>
    public const int UntaggedGroup = 0;
    public const int NoGroup = -1;
    /// <summary>The uplink's port name in counters and `link show`; no VM may take it.</summary>
    public const string UplinkName = "uplink";
    private const int VidCount = 4096;

    private VepaTables(ulong[] macs, int[] vlanOfVm, bool[] antiSpoofing, short[] groupOfVid, int[][] members,
        FrozenDictionary<ulong, int> vmByGroupMac)
    {
        Macs = macs;
        VlanOfVm = vlanOfVm;
        AntiSpoofing = antiSpoofing;
        GroupOfVid = groupOfVid;
        Members = members;
        VmByGroupMac = vmByGroupMac;
    }

    public ulong[] Macs { get; }
    /// <summary>Each VM's access VID, 0 for none.</summary>
    public int[] VlanOfVm { get; }
    public bool[] AntiSpoofing { get; }
    /// <summary>VID -> group index, or <see cref="NoGroup"/>; VID 0 (priority tag) maps to the untagged group.</summary>
    public short[] GroupOfVid { get; }
    /// <summary>Group index -> the VMs in it, in configuration order.</summary>
    public int[][] Members { get; }
    /// <summary>(group, MAC) -> VM, keyed by <see cref="Key"/>: one integer lookup per unicast frame.</summary>
    public FrozenDictionary<ulong, int> VmByGroupMac { get; }

    public static ulong Key(int group, ulong mac) => ((ulong)group << 48) | mac;

    /// <exception cref="ArgumentException">A VM list that cannot be switched unambiguously.</exception>
    public static VepaTables Build(IReadOnlyList<VmConfig> vms)
    {
        ArgumentNullException.ThrowIfNull(vms);
        var macs = new ulong[vms.Count];
        var vlanOfVm = new int[vms.Count];
        var antiSpoofing = new bool[vms.Count];
        var groupOfVid = new short[VidCount];
        Array.Fill(groupOfVid, (short)NoGroup);
        groupOfVid[0] = UntaggedGroup;
        var members = new List<List<int>> { new() };
        var vmByGroupMac = new Dictionary<ulong, int>();
        var names = new HashSet<string>(StringComparer.Ordinal);

        for (int vm = 0; vm < vms.Count; vm++)
        {
            VmConfig config = vms[vm];
            if (config.Name == UplinkName || !names.Add(config.Name))
            {
                throw new ArgumentException($"VM '{config.Name}' is configured twice (or named like the uplink)", nameof(vms));
            }
            if (config.Mac.IsGroup || config.Mac.IsZero)
            {
                throw new ArgumentException($"VM '{config.Name}': {config.Mac} is not a unicast MAC", nameof(vms));
            }
            int vid = config.Vlan ?? 0;
            if (config.Vlan is < 1 or > 4094)
            {
                throw new ArgumentException($"VM '{config.Name}': VLAN {config.Vlan} is outside 1..4094", nameof(vms));
            }
            if (groupOfVid[vid] == NoGroup)
            {
                groupOfVid[vid] = (short)members.Count;
                members.Add([]);
            }
            int group = groupOfVid[vid];
            if (!vmByGroupMac.TryAdd(Key(group, config.Mac.Value), vm))
            {
                throw new ArgumentException(
                    $"VMs '{vms[vmByGroupMac[Key(group, config.Mac.Value)]].Name}' and '{config.Name}' share MAC {config.Mac} in the same VLAN", nameof(vms));
            }
            members[group].Add(vm);
            macs[vm] = config.Mac.Value;
            vlanOfVm[vm] = vid;
            antiSpoofing[vm] = config.AntiSpoofing;
        }

        return new VepaTables(macs, vlanOfVm, antiSpoofing, groupOfVid, [.. members.Select(m => m.ToArray())],
            vmByGroupMac.ToFrozenDictionary());
    }
}
