// The dumb vswitch's configuration as loaded from its YAML file: one uplink, the VMs behind it, and
// (802.1Qbg) the uplink's station role and each VM's VSI.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Configuration;

public sealed record DumbVswitchConfig
{
    public required string SourceFile { get; init; }
    public required AttachSpec Uplink { get; init; }
    public required IReadOnlyList<VmConfig> Vms { get; init; }
    /// <summary>The uplink speaks 802.1Qbg as a station (`evb:`, implied by any VM's `vsi:`); null: it does not.</summary>
    public StationConfig? Evb { get; init; }
    public ManagementConfig Management { get; init; } = new() { Socket = "/run/hairpin/dumb-vswitch.sock" };
    public MetricsConfig Metrics { get; init; } = new();
}

/// <param name="Vlan">
/// Access VLAN: frames are tagged with it on the uplink and untagged towards the VM; null: untagged.
/// With <paramref name="Vsi"/>: the VID asked for in VDP; null asks the bridge to assign one.
/// </param>
/// <param name="AntiSpoofing">Drop (and count) frames from the VM whose source MAC is not <paramref name="Mac"/>.</param>
/// <param name="Vsi">The VM's VSI: it passes traffic only while the bridge holds it associated.</param>
public sealed record VmConfig(string Name, MacAddress Mac, AttachSpec Attach, int? Vlan = null, bool AntiSpoofing = true, VsiConfig? Vsi = null);

/// <summary>A VM's VSI as VDP names it (lldpad's vdptool: typeid, typeidver, uuid, mgrid2).</summary>
/// <param name="Manager">The VSI Manager ID as text, 1..16 printable ASCII characters.</param>
public sealed record VsiConfig(int TypeId, int TypeVersion, Guid Uuid, string Manager = VsiConfig.DefaultManager)
{
    public const string DefaultManager = "hairpin";
}

/// <summary>The uplink's station role. Timer exponents are 802.1Qbg's (10 us x 2^exponent); lldpad's defaults.</summary>
public sealed record StationConfig
{
    /// <summary>ECP retransmissions before giving up (3 bits).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>ECP retransmission exponent: 8 is 2.56 ms.</summary>
    public int RetransmitExponent { get; init; } = 8;
    /// <summary>Resource wait delay exponent: 20 is about 10.5 s.</summary>
    public int ResourceWaitExponent { get; init; } = 20;
    /// <summary>Keep-alive exponent: 20 is about 10.5 s.</summary>
    public int KeepAliveExponent { get; init; } = 20;
    /// <summary>Source of the station's LLDP and ECP frames (and its chassis ID); null: the uplink interface's own, or one made up.</summary>
    public MacAddress? Mac { get; init; }
}
