// The forwarding decision in a trace: FDB hit (and the delivery rule for that one port), or flood
// with the eligible set and, for every port left out, the term of the delivery rule that left it
// out; storm control, the ping-pong guard's memory, and each copy's egress: its tag form, and
// whether a buffer (BridgeEngine.Flood shares them) and queue room would be there for it.
using System.Numerics;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class TraceSink
{
    // How a flood shares buffers (BridgeEngine.Flood): the form the original leaves in, whether a queue
    // already holds it, and whether the copy in the other form is made.
    private bool _sharedOriginalTagged;
    private bool _originalShared;
    private bool _otherFormMade;

    public void DeliveryRefused(int target, DropReason why, int vid)
    {
        string where = target == _port ? $"{Name(target)}, the ingress port" : Name(target);
        Dropped(why, "forwarding", $"FDB: {Destination} in VLAN {vid} is on {where}; the delivery rule says no: {DescribeWhyNot(why, _port, target, vid)}");
    }

    public void FdbHit(int target, int vid)
    {
        string destination = $"{Destination} in VLAN {vid}";
        _record.Stage("forwarding", target == _port
            ? $"FDB: {destination} is on {Name(target)}, the ingress port: reflected back out of it (hairpin on)"
            : $"FDB: {destination} is on {Name(target)}");
    }

    /// <summary>The flood set (or that there is none), with why each other port is left out.</summary>
    public void Flood(ulong eligible, FrameKind kind, int vid)
    {
        string what = kind == FrameKind.Unicast
            ? $"unknown unicast ({Destination} in VLAN {vid} not in the FDB)"
            : $"{kind.ToString().ToLowerInvariant()} in VLAN {vid}";
        string left = LeftOut(eligible, kind, vid);
        if (eligible == 0)
        {
            Dropped(DropReason.NoEligiblePort, "forwarding", $"{what}: flood, but no port is eligible{left}");
            return;
        }
        _record.Stage("forwarding", $"{what}: flood to {DescribePorts(eligible)}{left}");
        if ((eligible & (eligible - 1)) != 0)
        {
            // BridgeEngine.PutInSharedForm: the original takes the other form when no port wants the one it has.
            ulong sameForm = _frame.HasCustomerTag ? ~_plan.VlanUntagged[vid] : _plan.VlanUntagged[vid];
            _sharedOriginalTagged = (eligible & sameForm) != 0 ? _frame.HasCustomerTag : !_frame.HasCustomerTag;
        }
    }

    /// <summary>What storm control (Stages/StormControlStage, no token taken) says; <paramref name="pps"/> 0: no limit for the kind.</summary>
    public void StormControl(long pps, bool admitted, DropReason reason, StormAction action)
    {
        if (pps == 0)
        {
            return;
        }
        if (admitted)
        {
            _record.Stage("storm-control", $"under {pps} pps: passes (the trace takes no token)");
            return;
        }
        string then = action == StormAction.Disable ? $"; port {Name(_port)} would be error-disabled (storm-control)" : "";
        Dropped(reason, "storm-control", $"over {pps} pps{then}");
    }

    public void RemembersFloodTo(ulong facingReflectors) =>
        _record.Stage("ping-pong", $"the copies to hairpin ports {DescribePorts(facingReflectors)} are remembered, to catch them if a neighbour sends them back");

    /// <summary>
    /// One copy, as BridgeEngine.Transmit and Flood would send it: the last port takes the original
    /// when no earlier queue shares it; others share the original or the one copy in the other tag
    /// form; a copy an egress ACL rule acts on takes a buffer of its own. Returns the copy's drop
    /// (null: it would leave, and its rules' actions run next); <paramref name="sharesOriginal"/> is for <see cref="EgressDone"/>.
    /// </summary>
    public DropReason? EgressCopy(bool last, bool wantTag, DropReason? drop, bool hasActions, out bool sharesOriginal)
    {
        bool inPlace = last && !_originalShared;
        bool ownCopy = !inPlace && hasActions;
        sharesOriginal = !inPlace && !ownCopy && wantTag == _sharedOriginalTagged;
        bool needsBuffer = ownCopy || (!inPlace && !sharesOriginal && !_otherFormMade);
        if (drop is null && needsBuffer)
        {
            if (_poolLeft == 0)
            {
                return DropReason.PoolExhausted;
            }
            _poolLeft--;
            _otherFormMade |= !ownCopy;
        }
        return drop;
    }

    /// <summary>The copy's tag form and class once its actions ran, or why it is dropped (a full queue included).</summary>
    public void EgressDone(int port, bool wantTag, DropReason? drop, bool sharesOriginal)
    {
        var tag = new TagForm(wantTag, wantTag ? _frame.Vid : 0, wantTag ? Priority : 0, wantTag && Dei);
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
    }

    /// <summary>", not to p3 (reason), ..." for every other configured port, or "".</summary>
    private string LeftOut(ulong eligible, FrameKind kind, int vid)
    {
        var reasons = new List<string>();
        for (int other = 0; other < _plan.PortCount; other++)
        {
            if ((eligible & (1UL << other)) == 0)
            {
                reasons.Add($"{Name(other)} ({WhyNotFlooded(other, kind, vid)})");
            }
        }
        return reasons.Count == 0 ? "" : $"; not to {string.Join(", ", reasons)}";
    }

    private string WhyNotFlooded(int egress, FrameKind kind, int vid)
    {
        ulong bit = 1UL << egress;
        if ((_mirrorDestinations & bit) != 0)
        {
            return DropReasons.Name(DropReason.MonitorDestination) + MirrorDestination(egress);
        }
        if ((_plan.VlanMembers[vid] & _plan.Ports[_port].PeerMask & ~_down & bit) == 0)
        {
            DropReason why = DeliveryRule.WhyNot(_plan, _port, egress, vid, _down, _linkDown);
            return DescribeWhyNot(why, _port, egress, vid);
        }
        return kind switch
        {
            FrameKind.Broadcast => "bcast_flood off",
            FrameKind.Multicast => "mcast_flood off",
            _ => "flood off",
        };
    }

    private string MirrorDestination(int port) => $": {Name(port)} is a mirroring session's destination (it gets mirror copies only)";

    private string DescribeWhyNot(DropReason why, int ingress, int egress, int vid) => DropReasons.Name(why) + why switch
    {
        DropReason.ReflectiveRelayOff => $": hairpin is off on {Name(egress)}, so nothing goes back out of the port it came in on",
        DropReason.EgressPortNotForwarding => (_mirrorDestinations & (1UL << egress)) != 0 ? MirrorDestination(egress)
            : (_down & (1UL << egress)) != 0 ? ": error-disabled" : $": {Name(egress)} is not forwarding",
        DropReason.EgressLinkDown => $": {Name(egress)} has no link (no carrier or no peer)",
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
}
