// ACL and QoS decisions in a trace: each ACL the frame meets (looked up with CompiledAcl.Peek by the
// ACL stage in trace mode: no hit counted, no cache filled) and the rule that decided it; the
// priority and class the QoS steps give; mirrors the rules would make (if a buffer is free) and the
// policers the frame would meet, named, not run: running one takes tokens.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

/// <summary>Where an ACL the trace meets is bound, for its wording.</summary>
internal enum AclBinding : byte
{
    VmIngress,
    PortIngress,
    PortEgress,
    VmEgress,
}

/// <summary>Which policer a frame meets, for its wording.</summary>
internal enum PolicerBinding : byte
{
    Vm,
    Port,
    AclRule,
}

internal sealed partial class TraceSink
{
    /// <summary>An ACL applies but the headers cannot be read: the frame (ingress) or the copy (egress, <paramref name="egressPort"/> &gt;= 0) is dropped.</summary>
    public void AclUnreadable(HeaderCheck check, int egressPort)
    {
        if (egressPort >= 0)
        {
            _record.EgressStage(egressPort, "egress-acl", $"an ACL applies but the headers cannot be read ({check})");
            return;
        }
        Dropped(DropReason.MalformedHeaders, "ingress-acl", $"an ACL applies but the headers cannot be read ({check}): policy never fails open");
    }

    public void NoVmAcl(int vid) => _record.Stage("ingress-acl", $"no ACL bound to vm {Source} in VLAN {vid}");

    public void AclDenied(CompiledAcl acl) => Dropped(DropReason.AclDenied, "ingress-acl", $"denied by acl {acl.Acl.Name}");

    /// <summary>The rule (or default) that decided <paramref name="acl"/>; <paramref name="egressPort"/> is -1 on ingress.</summary>
    public void AclDecided(CompiledAcl acl, int decided, AclBinding binding, int egressPort)
    {
        AclVerdict verdict = acl.VerdictOf(decided);
        IReadOnlyList<AclRule> rules = acl.Acl.Rules;
        bool byDefault = decided >= rules.Count;
        AclActions actions = byDefault || verdict == AclVerdict.Deny ? AclActions.None : rules[decided].Actions;
        string boundTo = binding switch
        {
            AclBinding.VmIngress => $"vm {Source} ingress",
            AclBinding.PortIngress => $"port {Name(_port)} ingress",
            AclBinding.PortEgress => $"port {Name(egressPort)} egress",
            _ => $"vm {Destination} egress on {Name(egressPort)}",
        };
        var match = new TracedAclMatch(acl.Acl.Name, boundTo, byDefault ? 0 : decided + 1, byDefault ? "default" : rules[decided].Name, verdict, actions, egressPort >= 0 ? egressPort : null);
        _record.Acl(match);
        string rule = byDefault ? "no rule matched, default" : $"rule {match.RuleNumber} ({match.RuleName})";
        string does = actions.IsNone ? "" : $", then {DescribeActions(actions)}";
        Note(egressPort, "ingress-acl", "egress-acl", $"acl {acl.Acl.Name} ({boundTo}): {rule} {verdict.ToString().ToLowerInvariant()}{does}");
    }

    /// <summary>The priority every frame gets (the tag's PCP, trusted or not, or the port default) and its class.</summary>
    public void Classified(bool tagTrusted)
    {
        string from = tagTrusted ? "the tag's PCP (trusted)"
            : _frame.HasCustomerTag ? "the port default (the tag's PCP is not trusted)" : "the port default (untagged)";
        _record.Stage("qos", $"priority {Priority} from {from} -> class {_frame.TrafficClass}");
    }

    public void DscpTrusted(int dscp) => _record.Stage("qos", $"trust dscp: DSCP {dscp} -> priority {Priority}, class {_frame.TrafficClass}");

    public void RuleActionsApplied(int egressPort) =>
        Note(egressPort, "qos", "qos", $"after the rule's actions: priority {Priority}, class {_frame.TrafficClass}");

    public void Policer(string name, PolicerBinding binding, int egressPort)
    {
        _record.Policer(name);
        string boundTo = binding switch
        {
            PolicerBinding.Vm => $"vm {Source}",
            PolicerBinding.Port => $"port {Name(_port)}",
            _ => "acl rule",
        };
        Note(egressPort, "policer", "policer", $"policer {name} ({boundTo}) applies: not run by the trace (it would take tokens); a red frame is dropped as 'policed' unless the meter says otherwise");
    }

    /// <summary>An ACL `mirror` action: as BridgeEngine.Mirror, only to a forwarding port that is up, and only with a buffer to copy into.</summary>
    public void Mirror(int port, bool up, int egressPort)
    {
        if (up && _poolLeft > 0)
        {
            _poolLeft--;
            _record.Mirror(port);
            Note(egressPort, "mirror", "mirror", $"a copy as matched goes out of {Name(port)} (mirror)");
        }
        else
        {
            Note(egressPort, "mirror", "mirror", $"mirror to {Name(port)}: {(up ? "no free buffer, copy dropped (pool-exhausted)" : "port not forwarding, no copy")}");
        }
    }

    private void Note(int egressPort, string ingressStage, string egressStage, string text)
    {
        if (egressPort >= 0)
        {
            _record.EgressStage(egressPort, egressStage, text);
        }
        else
        {
            _record.Stage(ingressStage, text);
        }
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
