// 802.1D port states as the Linux bridge names them (`bridge link set dev X state N`).
namespace Hairpin.Bridge.Core.Configuration;

public enum PortState : byte
{
    /// <summary>Receives nothing and sends nothing (administratively down).</summary>
    Disabled = 0,
    /// <summary>Forwards nothing, learns nothing; link-local control frames (BPDU, LLDP, EVB) still reach the control plane.</summary>
    Blocking = 4,
    /// <summary>Normal operation.</summary>
    Forwarding = 3,
}
