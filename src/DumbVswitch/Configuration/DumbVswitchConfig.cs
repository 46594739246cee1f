// The dumb vswitch's configuration as loaded from its YAML file: one uplink, the VMs behind it.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Configuration;

public sealed record DumbVswitchConfig
{
    public required string SourceFile { get; init; }
    public required AttachSpec Uplink { get; init; }
    public required IReadOnlyList<VmConfig> Vms { get; init; }
    public ManagementConfig Management { get; init; } = new() { Socket = "/run/hairpin/dumb-vswitch.sock" };
    public MetricsConfig Metrics { get; init; } = new();
}

/// <param name="Vlan">Access VLAN: frames are tagged with it on the uplink and untagged towards the VM; null: untagged.</param>
/// <param name="AntiSpoofing">Drop (and count) frames from the VM whose source MAC is not <paramref name="Mac"/>.</param>
public sealed record VmConfig(string Name, MacAddress Mac, AttachSpec Attach, int? Vlan = null, bool AntiSpoofing = true);
