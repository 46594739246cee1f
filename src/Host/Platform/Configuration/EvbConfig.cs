// 802.1Qbg settings of the appliance (beside the engine's BridgeConfig): which ports run the EVB
// control plane (LLDP with the EVB TLV, ECP, VDP), how their hairpin follows the negotiation, and the
// VSI types a station may associate VMs with, which are Hairpin's port profiles.
namespace Hairpin.Host.Configuration;

/// <summary>How a port's reflective relay is decided: pinned by the operator, or by the EVB negotiation.</summary>
public enum HairpinMode
{
    Off,
    On,
    /// <summary>Follows the EVB TLV: on while the station's last LLDP asked for reflective relay.</summary>
    Auto,
}

/// <summary>One `evb:` port. Timer exponents are 802.1Qbg's (time = 10 us x 2^exponent); lldpad's defaults.</summary>
public sealed record EvbPortConfig
{
    public required string Port { get; init; }
    public HairpinMode Hairpin { get; init; } = HairpinMode.Auto;
    /// <summary>ECP retransmissions before giving up (3 bits).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>ECP retransmission exponent: 8 is 2.56 ms.</summary>
    public int RetransmitExponent { get; init; } = 8;
    /// <summary>Resource wait delay exponent: 20 is about 10.5 s.</summary>
    public int ResourceWaitExponent { get; init; } = 20;
    /// <summary>Keep-alive exponent: 20 is about 10.5 s.</summary>
    public int KeepAliveExponent { get; init; } = 20;
    /// <summary>Most VSIs associated on the port at once; more are refused with "insufficient resources".</summary>
    public int MaxVsis { get; init; } = 256;
}

/// <summary>A VSI type (802.1Qbg VSI type ID and version): the policy every VM of that type gets, on any port.</summary>
public sealed record VsiTypeConfig
{
    public required int Id { get; init; }
    public required int Version { get; init; }
    /// <summary>The VID a VM of this type is in: a request with VID 0 gets it filled in; another VID is refused.</summary>
    public required int Vlan { get; init; }
    /// <summary>An ACL from `acls:`, bound to each VM of this type both ways (as `vm_acls` binds one).</summary>
    public string? Acl { get; init; }
    /// <summary>A meter from `meters:`, policing each VM of this type (as `vm_policers`).</summary>
    public string? Meter { get; init; }
    /// <summary>Most MACs one VSI of this type may list in its filter; 0: no limit of the type's own.</summary>
    public int MaxMacs { get; init; }
    /// <summary>VSI manager IDs allowed to associate VMs of this type; empty: any.</summary>
    public IReadOnlyList<string> Managers { get; init; } = [];

    public string Describe() => $"type {Id} version {Version}";
}
