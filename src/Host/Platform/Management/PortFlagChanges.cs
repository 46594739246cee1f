// What one `link set` asks to change; null leaves a setting as it is. Several settings in one
// request are applied together (one published configuration), as iproute2 does in one netlink message.
using System.Text.Json.Serialization;

namespace Hairpin.Host.Management;

/// <summary>The configured states `link set state` can give (error-disabled is never set, only cleared by setting one of these).</summary>
public enum PortAdminState
{
    Forwarding,
    Blocking,
    Disabled,
}

public sealed record PortFlagChanges
{
    public bool? Hairpin { get; init; }
    /// <summary>True: an `evb:` port's hairpin follows the 802.1Qbg negotiation again (`hairpin auto`).</summary>
    public bool? HairpinAuto { get; init; }
    public bool? Isolated { get; init; }
    public bool? Learning { get; init; }
    public bool? Flood { get; init; }
    public bool? McastFlood { get; init; }
    public bool? BcastFlood { get; init; }
    public bool? BpduGuard { get; init; }
    public PortAdminState? State { get; init; }

    [JsonIgnore]
    public bool IsEmpty =>
        Hairpin is null && HairpinAuto is null && Isolated is null && Learning is null && Flood is null
        && McastFlood is null && BcastFlood is null && BpduGuard is null && State is null;
}
