// A demo VM's 802.1Qbg VSI, as the dumb vswitch's config gives it (`vsi: { type, version, uuid, manager }`):
// what its station announces by VDP, and what the bridge's `vsi_types:` look up to pick its VLAN and policy.
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Host.Demo;

/// <param name="Uuid">The VSIID (format UUID), fixed so that every run prints the same.</param>
internal sealed record DemoVsi(DemoHost Vm, int Type, int Version, string Uuid, string Manager)
{
    public VsiId Id => VsiId.ParseUuid(Uuid);

    /// <summary>The VDP request the station sends: VID 0, so the bridge assigns the VLAN (no `vlan:` in the vswitch's config).</summary>
    public VsiRequestSpec Request() =>
        new(VdpManagerId.FromText(Manager), (uint)Type, (byte)Version, Id, Vm.Mac);

    /// <summary>`42/1`, as `vsi show` prints a type.</summary>
    public string TypeText => $"{Type}/{Version}";
}
