// QoS in a trace: priority and class as BridgeEngine.Classify gives them, DSCP trust, the matched
// rules' actions, and the names of the policers the frame would meet. Policers are named, not run:
// running one takes tokens, and a trace must leave every meter as it found it.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class FrameTracer
{
    private void Classify(ref Forwarding.PortPlan ingress)
    {
        string from;
        if (!_frame.HasCustomerTag || !ingress.TrustsTag)
        {
            _frame.PriorityBits = (ushort)((_frame.PriorityBits & TraceFrame.DeiBit) | ingress.DefaultPriorityBits);
            from = _frame.HasCustomerTag ? "the port default (the tag's PCP is not trusted)" : "the port default (untagged)";
        }
        else
        {
            from = "the tag's PCP (trusted)";
        }
        _frame.TrafficClass = _plan.ClassOfPriority[_frame.Priority];
        _record.Stage("qos", $"priority {_frame.Priority} from {from} -> class {_frame.TrafficClass}");
    }

    private void IngressQos(ref Forwarding.PortPlan ingress)
    {
        if (ingress.TrustsDscp && DscpRewriter.Read(_frame.Bytes) is int dscp and >= 0)
        {
            SetPriority(dscp >> 3);
            _record.Stage("qos", $"trust dscp: DSCP {dscp} -> priority {_frame.Priority}, class {_frame.TrafficClass}");
        }
        if (ingress.HasIngressPolicy)
        {
            ApplyRuleAction(_vmRuleAction, null);
            ApplyRuleAction(_portRuleAction, null);
        }
        ulong key = VidMacKey.Of(_frame.Vid, _frame.Source);
        if (_plan.VmPolicers[_frame.IngressPort]?.TryGetValue(key, out int vmPolicer) == true)
        {
            NamePolicer(vmPolicer, $"vm {_frame.Source}", null);
        }
        if (ingress.Policer >= 0)
        {
            NamePolicer(ingress.Policer, $"port {Name(_frame.IngressPort)}", null);
        }
    }

    /// <summary>A permitting rule's actions in the engine's order: count, mirror, class, remark, police.</summary>
    private void ApplyRuleAction(RuleAction action, int? egressPort)
    {
        if (action.IsNone)
        {
            return;
        }
        if (action.Mirror >= 0)
        {
            MirrorTo(action.Mirror, egressPort);
        }
        if (action.TrafficClass >= 0)
        {
            _frame.TrafficClass = (byte)action.TrafficClass;
        }
        if (action.RemarkPcp >= 0)
        {
            _frame.PriorityBits = (ushort)((_frame.PriorityBits & TraceFrame.DeiBit) | (action.RemarkPcp << TraceFrame.PriorityShift));
        }
        if (action.RemarkDscp >= 0)
        {
            DscpRewriter.TryRewrite(_frame.Bytes, action.RemarkDscp);
        }
        if (action.TrafficClass >= 0 || action.RemarkPcp >= 0 || action.RemarkDscp >= 0)
        {
            Note(egressPort, "qos", $"after the rule's actions: priority {_frame.Priority}, class {_frame.TrafficClass}");
        }
        if (action.Meter >= 0)
        {
            NamePolicer(action.Meter, "acl rule", egressPort);
        }
    }

    private void NamePolicer(int index, string boundTo, int? egressPort)
    {
        string name = _plan.Policers[index].Config.Name;
        _record.Policer(name);
        Note(egressPort, "policer", $"policer {name} ({boundTo}) applies: not run by the trace (it would take tokens); a red frame is dropped as 'policed' unless the meter says otherwise");
    }

    private void MirrorTo(int port, int? egressPort)
    {
        // As BridgeEngine.Mirror: only to a forwarding port that is up, and only with a buffer to copy into.
        bool up = port < _plan.PortCount && _plan.Ports[port].State == Configuration.PortState.Forwarding && (_down & (1UL << port)) == 0;
        if (up && _poolLeft > 0)
        {
            _poolLeft--;
            _record.Mirror(port);
            Note(egressPort, "mirror", $"a copy as matched goes out of {Name(port)} (mirror)");
        }
        else
        {
            Note(egressPort, "mirror", $"mirror to {Name(port)}: {(up ? "no free buffer, copy dropped (pool-exhausted)" : "port not forwarding, no copy")}");
        }
    }

    private void SetPriority(int priority)
    {
        _frame.PriorityBits = (ushort)((_frame.PriorityBits & TraceFrame.DeiBit) | (priority << TraceFrame.PriorityShift));
        _frame.TrafficClass = _plan.ClassOfPriority[priority];
    }

    private void Note(int? egressPort, string stage, string text)
    {
        if (egressPort is int port)
        {
            _record.EgressStage(port, stage, text);
        }
        else
        {
            _record.Stage(stage, text);
        }
    }
}
