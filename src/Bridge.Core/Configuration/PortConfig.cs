// One bridge port's settings. Defaults are the Linux bridge's for a new port (learning and all three
// flood flags on; hairpin, isolation off; VID 1 as PVID, untagged).
namespace Hairpin.Bridge.Core.Configuration;

public sealed record PortConfig
{
    public required string Name { get; init; }
    public PortState State { get; init; } = PortState.Forwarding;
    public bool Learning { get; init; } = true;
    /// <summary>Egress flag: receive flooded unknown unicast (Linux `flood`).</summary>
    public bool UnknownUnicastFlood { get; init; } = true;
    /// <summary>Egress flag: receive flooded multicast (Linux `mcast_flood`).</summary>
    public bool MulticastFlood { get; init; } = true;
    /// <summary>Egress flag: receive flooded broadcast (Linux `bcast_flood`).</summary>
    public bool BroadcastFlood { get; init; } = true;
    /// <summary>An isolated port never delivers to another isolated port (Linux `isolated`).</summary>
    public bool Isolated { get; init; }
    /// <summary>Reflective relay (802.1Qbg): frames may leave by the port they came in on (Linux `hairpin`).</summary>
    public bool Hairpin { get; init; }
    public PortVlans Vlans { get; init; } = PortVlans.Default;
    /// <summary>Most MACs learned on this port; 0 means only the bridge-wide limit applies.</summary>
    public int MaxLearned { get; init; }
    /// <summary>
    /// Bit N releases link-local group address 01-80-C2-00-00-0N for normal forwarding on ingress
    /// (Linux `group_fwd_mask`). Bit 1 (pause) can never be set.
    /// </summary>
    public ushort GroupForwardMask { get; init; }
    /// <summary>What becomes of frames to the MVRP address (01-80-C2-00-00-21) arriving here.</summary>
    public MvrpFrames MvrpFrames { get; init; }
    /// <summary>
    /// An STP/RSTP BPDU arriving here error-disables the port. On by default: a Hairpin port faces a
    /// hypervisor, which never speaks STP; turn it off on a port facing another bridge.
    /// </summary>
    public bool BpduGuard { get; init; } = true;
    public PortSecurity Security { get; init; } = PortSecurity.Off;
    public StormControl StormControl { get; init; } = StormControl.Off;
    /// <summary>Send loop detection probes out of this port (when the bridge's loop detection is on).</summary>
    public bool LoopDetection { get; init; } = true;
    /// <summary>Name of the ACL applied to frames arriving on this port (null: none).</summary>
    public string? IngressAcl { get; init; }
    /// <summary>Name of the ACL applied to frames leaving by this port (null: none).</summary>
    public string? EgressAcl { get; init; }
    /// <summary>Classification, ingress policer and egress scheduler.</summary>
    public PortQos Qos { get; init; } = PortQos.Default;
    /// <summary>The VSIs (VMs) 802.1Qbg associated on this port, and whether only they may send.</summary>
    public VsiAdmission Vsi { get; init; } = VsiAdmission.Off;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return "a port needs a name";
        }
        if (!Enum.IsDefined(State))
        {
            yield return $"state {(int)State} is not one of disabled, blocking, forwarding";
        }
        if (MaxLearned < 0)
        {
            yield return $"max-learned {MaxLearned} is negative";
        }
        if ((GroupForwardMask & (1 << 1)) != 0)
        {
            yield return "group forward mask bit 1 (01:80:c2:00:00:01, pause) cannot be set: pause frames are never forwarded";
        }
        foreach (VsiBinding binding in Vsi.Bindings.Where(binding => !Vlans.Members.Contains(binding.Vid)))
        {
            yield return $"vsi {binding.Vsi}: VLAN {binding.Vid} is not one of the port's VLANs ({Vlans.Members}): its frames could not be admitted";
        }
        foreach (string error in Vlans.Validate().Concat(Security.Validate()).Concat(StormControl.Validate()).Concat(Qos.Validate()).Concat(Vsi.Validate()))
        {
            yield return error;
        }
    }
}
