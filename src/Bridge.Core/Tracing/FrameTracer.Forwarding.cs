// The forwarding decision in a trace: FDB hit (and the delivery rule for that one port), or flood
// with the eligible set and, for every port left out, the term of the delivery rule that left it
// out; then storm control, the ping-pong guard's memory, and each copy's egress.
using System.Numerics;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class FrameTracer
{
    private FrameTrace Forward(ref PortPlan ingress)
    {
        int port = _frame.IngressPort;
        int vid = _frame.Vid;
        ulong eligible = _plan.VlanMembers[vid] & ingress.PeerMask & ~_down;
        string destination = $"{_frame.Destination} in VLAN {vid}";
        if (_frame.Kind == FrameKind.Unicast)
        {
            int target = LookupFdb(vid, _frame.Destination);
            if (target >= 0)
            {
                string where = target == port ? $"{Name(target)}, the ingress port" : Name(target);
                if ((eligible & (1UL << target)) == 0)
                {
                    DropReason why = DeliveryRule.WhyNot(_plan, port, target, vid, _down);
                    return _record.Dropped(why, "forwarding", $"FDB: {destination} is on {where}; the delivery rule says no: {DescribeWhyNot(why, port, target, vid)}");
                }
                _record.Stage("forwarding", target == port
                    ? $"FDB: {destination} is on {where}: reflected back out of it (hairpin on)"
                    : $"FDB: {destination} is on {where}");
                Egress(target, last: true);
                return _record.Forwarded();
            }
            eligible &= _plan.UnknownUnicastFloodPorts;
        }
        else
        {
            eligible &= _frame.Kind == FrameKind.Broadcast ? _plan.BroadcastFloodPorts : _plan.MulticastFloodPorts;
        }
        string what = _frame.Kind == FrameKind.Unicast ? $"unknown unicast ({destination} not in the FDB)" : $"{_frame.Kind.ToString().ToLowerInvariant()} in VLAN {vid}";
        string left = LeftOut(eligible);
        if (eligible == 0)
        {
            return _record.Dropped(DropReason.NoEligiblePort, "forwarding", $"{what}: flood, but no port is eligible{left}");
        }
        _record.Stage("forwarding", $"{what}: flood to {DescribePorts(eligible)}{left}");
        if (ingress.StormControlled && StormControl(ref ingress) is FrameTrace stormed)
        {
            return stormed;
        }
        ulong facingReflectors = eligible & _plan.PingPongGuardedPorts & ~(1UL << port);
        if (facingReflectors != 0)
        {
            _record.Stage("ping-pong", $"the copies to hairpin ports {DescribePorts(facingReflectors)} are remembered, to catch them if a neighbour sends them back");
        }
        if ((eligible & (eligible - 1)) != 0)
        {
            // BridgeEngine.PutInSharedForm: the original takes the other form when no port wants the one it has.
            ulong sameForm = _frame.HasCustomerTag ? ~_plan.VlanUntagged[vid] : _plan.VlanUntagged[vid];
            _sharedOriginalTagged = (eligible & sameForm) != 0 ? _frame.HasCustomerTag : !_frame.HasCustomerTag;
        }
        while (eligible != 0)
        {
            int next = BitOperations.TrailingZeroCount(eligible);
            eligible &= eligible - 1;
            Egress(next, last: eligible == 0);
        }
        return _record.Forwarded();
    }

    private FrameTrace? StormControl(ref PortPlan ingress)
    {
        (long pps, DropReason reason) = _frame.Kind switch
        {
            FrameKind.Broadcast => (ingress.StormBroadcastPps, DropReason.StormBroadcast),
            FrameKind.Multicast => (ingress.StormMulticastPps, DropReason.StormMulticast),
            _ => (ingress.StormUnknownUnicastPps, DropReason.StormUnknownUnicast),
        };
        if (pps == 0)
        {
            return null;
        }
        int port = _frame.IngressPort;
        if (_state.StormMeterHasToken(port, _frame.Kind, pps))
        {
            _record.Stage("storm-control", $"under {pps} pps: passes (the trace takes no token)");
            return null;
        }
        string then = ingress.StormAction == Configuration.StormAction.Disable ? $"; port {Name(port)} would be error-disabled (storm-control)" : "";
        return _record.Dropped(reason, "storm-control", $"over {pps} pps{then}");
    }

    /// <summary>", not to p3 (reason), ..." for every other configured port, or "".</summary>
    private string LeftOut(ulong eligible)
    {
        var reasons = new List<string>();
        for (int other = 0; other < _plan.PortCount; other++)
        {
            if ((eligible & (1UL << other)) == 0)
            {
                reasons.Add($"{Name(other)} ({WhyNotFlooded(other)})");
            }
        }
        return reasons.Count == 0 ? "" : $"; not to {string.Join(", ", reasons)}";
    }

    private string WhyNotFlooded(int egress)
    {
        int port = _frame.IngressPort;
        ulong bit = 1UL << egress;
        if ((_plan.VlanMembers[_frame.Vid] & _plan.Ports[port].PeerMask & ~_down & bit) == 0)
        {
            DropReason why = DeliveryRule.WhyNot(_plan, port, egress, _frame.Vid, _down);
            return DescribeWhyNot(why, port, egress, _frame.Vid);
        }
        return _frame.Kind switch
        {
            FrameKind.Broadcast => "bcast_flood off",
            FrameKind.Multicast => "mcast_flood off",
            _ => "flood off",
        };
    }

    private string DescribeWhyNot(DropReason why, int ingress, int egress, int vid) => DropReasons.Name(why) + why switch
    {
        DropReason.ReflectiveRelayOff => $": hairpin is off on {Name(egress)}, so nothing goes back out of the port it came in on",
        DropReason.EgressPortNotForwarding => (_down & (1UL << egress)) != 0 ? ": error-disabled" : $": {Name(egress)} is not forwarding",
        DropReason.Isolated => $": {Name(ingress)} and {Name(egress)} are both isolated",
        DropReason.EgressVlanFiltered => $": not a member of VLAN {vid}",
        _ => "",
    };

    private string DescribePorts(ulong ports)
    {
        var names = new List<string>();
        while (ports != 0)
        {
            names.Add(Name(BitOperations.TrailingZeroCount(ports)));
            ports &= ports - 1;
        }
        return string.Join(", ", names);
    }

    /// <summary>
    /// One copy, as BridgeEngine.Transmit and Flood would send it: the last port takes the original
    /// when no earlier queue shares it; others share the original or the one copy in the other tag
    /// form; a copy an egress ACL rule acts on takes a buffer of its own.
    /// </summary>
    private void Egress(int port, bool last)
    {
        ushort priorityBits = _frame.PriorityBits;
        byte trafficClass = _frame.TrafficClass;
        byte[] bytes = (byte[])_frame.Bytes.Clone();   // egress remarks change this copy only
        bool wantTag = (_plan.VlanUntagged[_frame.Vid] & (1UL << port)) == 0;
        DropReason? drop = null;
        RuleAction portAction = RuleAction.None;
        RuleAction vmAction = RuleAction.None;
        if (_plan.Ports[port].HasEgressPolicy)
        {
            drop = EgressAcls(port, out portAction, out vmAction);
        }
        bool inPlace = last && !_originalShared;
        bool ownCopy = !inPlace && !(portAction.IsNone && vmAction.IsNone);
        bool sharesOriginal = !inPlace && !ownCopy && wantTag == _sharedOriginalTagged;
        bool needsBuffer = ownCopy || (!inPlace && !sharesOriginal && !_otherFormMade);
        if (drop is null && needsBuffer)
        {
            if (_poolLeft == 0)
            {
                drop = DropReason.PoolExhausted;
            }
            else
            {
                _poolLeft--;
                _otherFormMade |= !ownCopy;
            }
        }
        if (drop is null)
        {
            ApplyRuleAction(portAction, port);
            ApplyRuleAction(vmAction, port);
        }
        var tag = new TagForm(wantTag, wantTag ? _frame.Vid : 0, wantTag ? _frame.Priority : 0, wantTag && _frame.Dei);
        int size = _frame.Length + (wantTag ? 4 : 0) - (_frame.HasCustomerTag ? 4 : 0);
        if (drop is null && !_state.EgressQueueHasRoom(port, _frame.TrafficClass, size))
        {
            drop = DropReason.EgressQueueFull;
        }
        _originalShared |= drop is null && sharesOriginal;
        _record.EgressStage(port, "egress", drop is DropReason reason
            ? $"copy dropped ({DropReasons.Name(reason)})"
            : $"{tag}, class {_frame.TrafficClass}");
        _record.Egress(new TracedEgress(port, Name(port), tag, drop));
        _frame.PriorityBits = priorityBits;
        _frame.TrafficClass = trafficClass;
        bytes.CopyTo(_frame.Bytes, 0);
    }
}
