// The engine's side of QoS and ACL actions: the policers' and named counters' surface for the control
// plane, and ACL mirroring (IMirrorPort), which needs the pool and
// the egress queues. Classification, DSCP trust and ingress policing are Stages/IngressQosStage.cs; a
// rule's actions are Stages/RuleActions.cs; egress rule actions run in Stages/FanOutStage.cs.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine : IMirrorPort
{
    /// <summary>The policer named <paramref name="name"/> in the running configuration (for its color counters), or null.</summary>
    public Policer? Policer(string name) => _plan.Policers.FirstOrDefault(policer => policer.Config.Name == name);

    /// <summary>Frames and bytes added to the ACL counter <paramref name="name"/> (`count NAME`) since some rule first named it (a publish keeps it while a rule still does).</summary>
    public (long Frames, long Bytes) NamedCounter(string name)
    {
        ForwardingPlan plan = _plan;
        int index = Array.IndexOf(plan.CounterNames, name);
        return index < 0 ? (0, 0) : (plan.CounterFrames[index], plan.CounterBytes[index]);
    }

    bool IMirrorPort.CanMirrorTo(int port, ForwardingPlan plan) =>
        port < plan.PortCount && plan.Ports[port].State == PortState.Forwarding && ((_errorDisabledPorts | _linkDownPorts) & (1UL << port)) == 0;

    void IMirrorPort.Mirror(FrameBuffer frame, int port, ForwardingPlan plan)
    {
        if (!((IMirrorPort)this).CanMirrorTo(port, plan))
        {
            return;
        }
        if (!_pool.TryRent(out FrameBuffer? copy) || !copy.TryCopyFrom(frame.Span))
        {
            if (copy is not null)
            {
                _pool.Release(copy);
            }
            _counters[port].CountEgressDrop(DropReason.PoolExhausted);
            return;
        }
        copy.IngressPort = frame.IngressPort;
        copy.Vid = frame.Vid;
        copy.PriorityBits = frame.PriorityBits;
        copy.TrafficClass = frame.TrafficClass;
        _counters[port].Mirrored++;
        _enqueue.QueueOwnBuffer(copy, port, SanityStage.KindOf(MacAddress.Read(frame.Span)));   // a SPAN copy, not for a VM
    }
}
