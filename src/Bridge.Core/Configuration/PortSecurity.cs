// Port security as network engineers know it from switches (NX-OS/IOS `switchport port-security`):
// which source MACs may send on a port, how many it may learn, and what a violation costs.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Configuration;

public enum SecurityViolation : byte
{
    /// <summary>Frames from the offending MAC are dropped and counted; the port stays up.</summary>
    Drop,
    /// <summary>The port is error-disabled until an operator recovers it.</summary>
    Disable,
}

/// <summary>A MAC allowed on a port, in a VLAN (0 means the port's PVID).</summary>
public readonly record struct SecureMac(MacAddress Mac, int Vid = 0);

public sealed record PortSecurity
{
    public static PortSecurity Off { get; } = new();

    public bool Enabled { get; init; }
    /// <summary>Secure MACs the port may hold: configured ones plus those it learns.</summary>
    public int MaxMacs { get; init; } = 1;
    public SecurityViolation Violation { get; init; } = SecurityViolation.Drop;
    /// <summary>Learned secure MACs never move to another port (they become sticky FDB entries).</summary>
    public bool Sticky { get; init; }
    /// <summary>MACs installed as static FDB entries on the port and always allowed.</summary>
    public IReadOnlyList<SecureMac> AllowedMacs { get; init; } = [];

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }
        if (MaxMacs < 1)
        {
            yield return $"port-security max-macs {MaxMacs} must be at least 1";
        }
        if (AllowedMacs.Count > MaxMacs)
        {
            yield return $"port-security lists {AllowedMacs.Count} allowed MACs but max-macs is {MaxMacs}";
        }
        foreach (SecureMac secure in AllowedMacs)
        {
            if (secure.Mac.IsGroup || secure.Mac.IsZero)
            {
                yield return $"port-security allowed MAC {secure.Mac} is not a unicast address";
            }
            if (secure.Vid is < 0 or > VlanSet.MaxVid)
            {
                yield return $"port-security allowed MAC {secure.Mac} has VLAN {secure.Vid} outside 1..4094";
            }
        }
    }
}
