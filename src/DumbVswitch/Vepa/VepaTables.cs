// The VEPA switch's lookup tables, worked out from the VM list and the VSIs' state (control path) so
// that the data path only indexes arrays: which VLAN group a VID belongs to, which VMs are in a group,
// which VM of a group owns a MAC, and which VMs are held because their VSI is not associated.
// Immutable once built; a VSI that changes builds a new set.
using System.Collections.Frozen;
using Hairpin.DumbVswitch.Configuration;

namespace Hairpin.DumbVswitch.Vepa;

/// <summary>Where a VM with a VSI stands: associated on <paramref name="Vid"/> (0: untagged), or held.</summary>
public readonly record struct VsiAccess(bool Associated, int Vid)
{
    public static VsiAccess Held => default;
}

internal sealed class VepaTables
{
    /// <summary>The group of VMs without an access VLAN (they send and receive untagged frames).</summary>
    public const int UntaggedGroup = 0;
    public const int NoGroup = -1;
    /// <summary>The uplink's port name in counters and `link show`; no VM may take it.</summary>
    public const string UplinkName = "uplink";
    private const int VidCount = 4096;

    private VepaTables(ulong[] macs, int[] vlanOfVm, bool[] antiSpoofing, bool[] held, short[] groupOfVid, int[][] members,
        FrozenDictionary<ulong, int> vmByGroupMac, FrozenSet<ulong> heldMacs)
    {
        Macs = macs;
        VlanOfVm = vlanOfVm;
        AntiSpoofing = antiSpoofing;
        Held = held;
        GroupOfVid = groupOfVid;
        Members = members;
        VmByGroupMac = vmByGroupMac;
        HeldMacs = heldMacs;
    }

    public ulong[] Macs { get; }
    /// <summary>Each VM's access VID (an associated VSI's: the one in force), 0 for none.</summary>
    public int[] VlanOfVm { get; }
    public bool[] AntiSpoofing { get; }
    /// <summary>VMs whose VSI is not associated: they pass nothing, either way.</summary>
    public bool[] Held { get; }
    /// <summary>VID -> group index, or <see cref="NoGroup"/>; VID 0 (priority tag) maps to the untagged group.</summary>
    public short[] GroupOfVid { get; }
    /// <summary>Group index -> the VMs in it, in configuration order (held VMs are in none).</summary>
    public int[][] Members { get; }
    /// <summary>(group, MAC) -> VM, keyed by <see cref="Key"/>: one integer lookup per unicast frame.</summary>
    public FrozenDictionary<ulong, int> VmByGroupMac { get; }
    /// <summary>The MACs of held VMs (unique in every VLAN: the configuration sees to it).</summary>
    public FrozenSet<ulong> HeldMacs { get; }

    public static ulong Key(int group, ulong mac) => ((ulong)group << 48) | mac;

    /// <param name="access">Per VM: where its VSI stands (ignored for VMs without one); null: every VSI held.</param>
    /// <exception cref="ArgumentException">A VM list that cannot be switched unambiguously.</exception>
    public static VepaTables Build(IReadOnlyList<VmConfig> vms, IReadOnlyList<VsiAccess>? access = null)
    {
        ArgumentNullException.ThrowIfNull(vms);
        if (access is not null && access.Count != vms.Count)
        {
            throw new ArgumentException($"{access.Count} VSI states for {vms.Count} VMs", nameof(access));
        }
        var macs = new ulong[vms.Count];
        var vlanOfVm = new int[vms.Count];
        var antiSpoofing = new bool[vms.Count];
        var held = new bool[vms.Count];
        var groupOfVid = new short[VidCount];
        Array.Fill(groupOfVid, (short)NoGroup);
        groupOfVid[0] = UntaggedGroup;
        var members = new List<List<int>> { new() };
        var vmByGroupMac = new Dictionary<ulong, int>();
        var heldMacs = new HashSet<ulong>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var vsiMacs = new Dictionary<ulong, string>();
        var allMacs = new Dictionary<ulong, string>();

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
            if (config.Vlan is < 1 or > 4094)
            {
                throw new ArgumentException($"VM '{config.Name}': VLAN {config.Vlan} is outside 1..4094", nameof(vms));
            }
            // A VSI may land in any VLAN: its MAC must be its own everywhere, or delivery could become ambiguous at run time.
            ulong mac = config.Mac.Value;
            if ((config.Vsi is not null && allMacs.TryGetValue(mac, out string? other)) || vsiMacs.TryGetValue(mac, out other))
            {
                throw new ArgumentException($"VMs '{other}' and '{config.Name}' share MAC {config.Mac}, and one of them has a VSI", nameof(vms));
            }
            allMacs.TryAdd(mac, config.Name);
            macs[vm] = mac;
            antiSpoofing[vm] = config.AntiSpoofing;
            int vid = config.Vlan ?? 0;
            if (config.Vsi is not null)
            {
                vsiMacs[mac] = config.Name;
                VsiAccess state = access?[vm] ?? VsiAccess.Held;
                if (!state.Associated)
                {
                    held[vm] = true;
                    heldMacs.Add(mac);
                    continue;
                }
                if (state.Vid is < 0 or > 4094)
                {
                    throw new ArgumentException($"VM '{config.Name}': VSI VID {state.Vid} is outside 0..4094", nameof(access));
                }
                vid = state.Vid;
            }
            if (groupOfVid[vid] == NoGroup)
            {
                groupOfVid[vid] = (short)members.Count;
                members.Add([]);
            }
            int group = groupOfVid[vid];
            if (!vmByGroupMac.TryAdd(Key(group, mac), vm))
            {
                throw new ArgumentException(
                    $"VMs '{vms[vmByGroupMac[Key(group, mac)]].Name}' and '{config.Name}' share MAC {config.Mac} in the same VLAN", nameof(vms));
            }
            members[group].Add(vm);
            vlanOfVm[vm] = vid;
        }

        return new VepaTables(macs, vlanOfVm, antiSpoofing, held, groupOfVid, [.. members.Select(m => m.ToArray())],
            vmByGroupMac.ToFrozenDictionary(), heldMacs.ToFrozenSet());
    }
}
