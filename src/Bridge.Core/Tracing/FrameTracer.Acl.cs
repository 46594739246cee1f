// ACLs in a trace: the VM's ACL and the port's on ingress, the port's and the destination VM's per
// egress copy, each looked up with CompiledAcl.Peek (no hit counted, no cache filled).
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class FrameTracer
{
    private RuleAction _vmRuleAction = RuleAction.None;
    private RuleAction _portRuleAction = RuleAction.None;

    /// <summary>Null when every ingress ACL permits; otherwise the finished trace.</summary>
    private FrameTrace? IngressAcls()
    {
        int port = _frame.IngressPort;
        if (!FlowKeyReady())
        {
            return _record.Dropped(DropReason.MalformedHeaders, "ingress-acl", $"an ACL applies but the headers cannot be read ({_frame.FlowKeyCheck}): policy never fails open");
        }
        MacAddress source = _frame.Source;
        if (_plan.VmAcls[port]?.TryGetValue(VidMacKey.Of(_frame.Vid, source), out CompiledAcl? vmAcl) == true)
        {
            if (!Permits(vmAcl, $"vm {source} ingress", null, "ingress-acl", out _vmRuleAction))
            {
                return _record.Dropped(DropReason.AclDenied, "ingress-acl", $"denied by acl {vmAcl.Acl.Name}");
            }
        }
        else if (_plan.VmAcls[port] is not null)
        {
            _record.Stage("ingress-acl", $"no ACL bound to vm {source} in VLAN {_frame.Vid}");
        }
        if (_plan.IngressAcls[port] is CompiledAcl portAcl && !Permits(portAcl, $"port {Name(port)} ingress", null, "ingress-acl", out _portRuleAction))
        {
            return _record.Dropped(DropReason.AclDenied, "ingress-acl", $"denied by acl {portAcl.Acl.Name}");
        }
        return null;
    }

    /// <summary>The egress ACL checks of one copy; null when permitted, else the copy's drop reason.</summary>
    private DropReason? EgressAcls(int port, out RuleAction portAction, out RuleAction vmAction)
    {
        portAction = RuleAction.None;
        vmAction = RuleAction.None;
        if (!FlowKeyReady())
        {
            _record.EgressStage(port, "egress-acl", $"an ACL applies but the headers cannot be read ({_frame.FlowKeyCheck})");
            return DropReason.MalformedHeaders;
        }
        MacAddress destination = _frame.Destination;
        if (_plan.EgressAcls[port] is CompiledAcl portAcl && !Permits(portAcl, $"port {Name(port)} egress", port, "egress-acl", out portAction))
        {
            return DropReason.AclDenied;
        }
        if (_plan.VmAcls[port]?.TryGetValue(VidMacKey.Of(_frame.Vid, destination), out CompiledAcl? vmAcl) == true
            && !Permits(vmAcl, $"vm {destination} egress on {Name(port)}", port, "egress-acl", out vmAction))
        {
            return DropReason.AclDenied;
        }
        return null;
    }

    private bool Permits(CompiledAcl acl, string boundTo, int? egressPort, string stage, out RuleAction action)
    {
        int decided = acl.Peek(_frame.FlowKey);
        AclVerdict verdict = acl.VerdictOf(decided);
        IReadOnlyList<AclRule> rules = acl.Acl.Rules;
        bool byDefault = decided >= rules.Count;
        AclActions actions = byDefault || verdict == AclVerdict.Deny ? AclActions.None : rules[decided].Actions;
        var match = new TracedAclMatch(acl.Acl.Name, boundTo, byDefault ? 0 : decided + 1, byDefault ? "default" : rules[decided].Name, verdict, actions, egressPort);
        _record.Acl(match);
        string rule = byDefault ? "no rule matched, default" : $"rule {match.RuleNumber} ({match.RuleName})";
        string does = actions.IsNone ? "" : $", then {DescribeActions(actions)}";
        string text = $"acl {acl.Acl.Name} ({boundTo}): {rule} {verdict.ToString().ToLowerInvariant()}{does}";
        if (egressPort is int port)
        {
            _record.EgressStage(port, stage, text);
        }
        else
        {
            _record.Stage(stage, text);
        }
        action = verdict == AclVerdict.Deny ? RuleAction.None : acl.ActionOf(decided);
        return verdict == AclVerdict.Permit;
    }

    /// <summary>Builds the flow key once, as BridgeEngine.TryFlowKey does: the fast path, else the full classifier.</summary>
    private bool FlowKeyReady()
    {
        if (_frame.FlowKeyBuilt)
        {
            return _frame.FlowKeyValid;
        }
        _frame.FlowKeyBuilt = true;
        ReadOnlySpan<byte> bytes = _frame.Bytes;
        if (FastFlowKey.TryBuild(bytes, _frame.Vid, _frame.IngressPort, out _frame.FlowKey))
        {
            _frame.FlowKeyCheck = HeaderCheck.Ok;
            return _frame.FlowKeyValid = true;
        }
        _frame.FlowKeyCheck = PacketClassifier.Classify(bytes, out PacketSummary summary);
        _frame.FlowKey = FlowFields.From(summary, MacAddress.Read(bytes[6..]), MacAddress.Read(bytes), _frame.Vid, _frame.IngressPort);
        return _frame.FlowKeyValid = _frame.FlowKeyCheck == HeaderCheck.Ok;
    }

    internal static string DescribeActions(AclActions actions)
    {
        var parts = new List<string>();
        if (actions.TrafficClass is int trafficClass)
        {
            parts.Add($"set-class {trafficClass}");
        }
        if (actions.RemarkPcp is int pcp)
        {
            parts.Add($"remark pcp {pcp}");
        }
        if (actions.RemarkDscp is int dscp)
        {
            parts.Add($"remark dscp {dscp}");
        }
        if (actions.Police is string meter)
        {
            parts.Add($"police {meter}");
        }
        if (actions.Mirror is string mirror)
        {
            parts.Add($"mirror {mirror}");
        }
        if (actions.Count is string counter)
        {
            parts.Add($"count {counter}");
        }
        return string.Join(", ", parts);
    }
}
