// ACLs on the forwarding path: a frame from a port with ingress policy is classified once (L2 to L4)
// and checked against the VM's ACL and the port's; each copy leaving by a port with egress policy is
// checked against that port's ACL and the destination VM's. Deny drops (`acl-denied`); headers an
// ACL needs but cannot read drop too (`malformed-headers`): policy never fails open. A rule that
// decides for a VSI's frame (from it, or a unicast copy to it) is counted to the VSI by its verdict.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private long _frameSerial;       // one per received frame, so a flood reuses its flow key
    private long _flowKeySerial = -1;
    private bool _flowKeyValid;
    private FlowKey _flowKey;

    /// <summary>Contradictory and shadowed ACL rules in the running configuration.</summary>
    public IReadOnlyList<string> AclWarnings => _plan.AclWarnings;

    /// <summary>The compiled ACL named <paramref name="name"/> in the running configuration (for hit counters), or null.</summary>
    public CompiledAcl? Acl(string name) =>
        _plan.IngressAcls.Concat(_plan.EgressAcls).Concat(_plan.VmAcls.SelectMany(map => map?.Values ?? Enumerable.Empty<CompiledAcl>()))
            .FirstOrDefault(acl => acl?.Acl.Name == name);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitIngressPolicy(FrameBuffer frame, PortCounters counters, int port, int vid, MacAddress source, ForwardingPlan plan)
    {
        if (!TryFlowKey(frame, vid))
        {
            Drop(frame, counters, DropReason.MalformedHeaders);
            return false;
        }
        _vmRuleAction = RuleAction.None;
        _portRuleAction = RuleAction.None;
        VsiCounters? vsi = frame.SourceVsi >= 0 ? plan.VsiCounters[frame.SourceVsi] : null;
        bool denied = (plan.VmAcls[port]?.TryGetValue(VidMacKey.Of(vid, source), out CompiledAcl? vmAcl) == true
                && !Permits(vmAcl, frame.Length, ref _vmRuleAction, vsi, egress: false))
            || (plan.IngressAcls[port] is CompiledAcl portAcl && !Permits(portAcl, frame.Length, ref _portRuleAction, vsi, egress: false));
        if (denied)
        {
            Drop(frame, counters, DropReason.AclDenied);
        }
        return !denied;
    }

    /// <summary>True when a copy of <paramref name="frame"/> may leave by <paramref name="port"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitEgressPolicy(FrameBuffer frame, int port, ForwardingPlan plan, VsiCounters? vsi)
    {
        if (!TryFlowKey(frame, frame.Vid))
        {
            CountEgressDrop(port, DropReason.MalformedHeaders, vsi);
            return false;
        }
        MacAddress destination = MacAddress.Read(frame.Span);
        _egressPortRuleAction = RuleAction.None;
        _egressVmRuleAction = RuleAction.None;
        bool denied = (plan.EgressAcls[port] is CompiledAcl portAcl && !Permits(portAcl, frame.Length, ref _egressPortRuleAction, vsi, egress: true))
            || (plan.VmAcls[port]?.TryGetValue(VidMacKey.Of(frame.Vid, destination), out CompiledAcl? vmAcl) == true
                && !Permits(vmAcl, frame.Length, ref _egressVmRuleAction, vsi, egress: true));
        _egressActionsPending = !denied && !(_egressPortRuleAction.IsNone && _egressVmRuleAction.IsNone);
        if (denied)
        {
            CountEgressDrop(port, DropReason.AclDenied, vsi);
        }
        return !denied;
    }

    /// <summary>
    /// Evaluates one ACL; on permit, <paramref name="action"/> is what the deciding rule does besides.
    /// A rule's decision (not the default's) is a hit of <paramref name="vsi"/>, when the frame is one's.
    /// </summary>
    private bool Permits(CompiledAcl acl, int frameBytes, ref RuleAction action, VsiCounters? vsi, bool egress)
    {
        int decided = acl.Decide(_flowKey, frameBytes);
        AclVerdict verdict = acl.VerdictOf(decided);
        if (vsi is not null && acl.IsRule(decided))
        {
            if (egress)
            {
                vsi.CountEgressAclHit(verdict);
            }
            else
            {
                vsi.CountAclHit(verdict);
            }
        }
        if (verdict == AclVerdict.Deny)
        {
            return false;
        }
        action = acl.ActionOf(decided);
        return true;
    }

    private bool TryFlowKey(FrameBuffer frame, int vid)
    {
        if (_flowKeySerial == _frameSerial)
        {
            return _flowKeyValid;
        }
        _flowKeySerial = _frameSerial;
        ReadOnlySpan<byte> bytes = frame.Span;
        if (FastFlowKey.TryBuild(bytes, vid, frame.IngressPort, out _flowKey))
        {
            return _flowKeyValid = true;
        }
        _flowKeyValid = PacketClassifier.Classify(bytes, out PacketSummary summary) == HeaderCheck.Ok;
        _flowKey = FlowFields.From(summary, MacAddress.Read(bytes[6..]), MacAddress.Read(bytes), vid, frame.IngressPort);
        return _flowKeyValid;
    }
}
