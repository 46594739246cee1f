// One port's settings as the data path reads them: flattened, precomputed, cache-friendly.
using Hairpin.Bridge.Core.Configuration;

namespace Hairpin.Bridge.Core.Forwarding;

internal struct PortPlan
{
    public PortState State;
    public bool Learning;
    public ushort Pvid;
    public ushort GroupForwardMask;
    public MvrpFrames MvrpFrames;
    public int MaxLearned;
    /// <summary>Ports a frame from this port may be delivered to, before the VLAN term (see DeliveryRule).</summary>
    public ulong PeerMask;
    /// <summary>One untagged VLAN: tagged and double-tagged frames are VLAN hopping attempts.</summary>
    public bool IsAccess;
    /// <summary>Hairpin on and the ping-pong guard on: floods from other ports out of it are remembered, and caught if they come back.</summary>
    public bool GuardsPingPong;
    /// <summary>An ingress ACL or VM ACLs apply to frames from this port.</summary>
    public bool HasIngressPolicy;
    /// <summary>An egress ACL or VM ACLs apply to frames leaving by this port.</summary>
    public bool HasEgressPolicy;
    public bool BpduGuard;
    /// <summary>802.1Qbg: only the (VID, MAC) pairs of the VSIs associated here may send (`vsi-not-associated`).</summary>
    public bool VsiEnforced;
    /// <summary>VSIs are bound here: frames from them and unicast to them feed their counters.</summary>
    public bool HasVsiBindings;
    /// <summary>The VSI stage runs on frames from this port (enforced, or VSIs to count).</summary>
    public bool ChecksVsiSource;
    public bool Secured;
    public bool StickySecure;
    public SecurityViolation Violation;
    public int MaxSecureMacs;
    public bool StormControlled;
    public long StormBroadcastPps;
    public long StormMulticastPps;
    public long StormUnknownUnicastPps;
    public StormAction StormAction;
    /// <summary>Trust the C-tag's PCP (trust pcp or dscp); otherwise the port default priority applies.</summary>
    public bool TrustsTag;
    /// <summary>The port default priority in TCI position.</summary>
    public ushort DefaultPriorityBits;
    /// <summary>The traffic class of the default priority: the class of every frame whose tag the port does not trust, or that has none.</summary>
    public byte DefaultTrafficClass;
    /// <summary>Anything beyond PCP classification: DSCP trust, a port or VM policer, ACL actions.</summary>
    public bool HasIngressQos;
    public bool TrustsDscp;
    /// <summary>Index of the port's policer in the plan, or -1.</summary>
    public int Policer;
    /// <summary>The optional receive-path stages the flags above ask for (IngressStagePlan.Of), tested at once.</summary>
    public IngressStages Stages;
    /// <summary>Forwarding, and no optional ingress stage but the ping-pong guard: the engine's known-unicast fast path may take this port's frames (BridgeEngine.FastPath).</summary>
    public bool PlainIngress;
    /// <summary>Forwarding, with ingress policy (a port ACL) or ingress QoS and no other optional stage but the ping-pong guard, and no VM ACLs or policers: the engine's policy fast path may take this port's frames (BridgeEngine.PolicyPath).</summary>
    public bool PolicyIngress;
}
