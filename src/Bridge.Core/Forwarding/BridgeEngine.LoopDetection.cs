// Loop detection: probes out, and the port a probe of ours comes back on goes down for a while.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private uint _probeSequence;

    /// <summary>This bridge's own address: the source of its probes, and how it knows them again.</summary>
    public MacAddress BridgeAddress { get; }

    /// <summary>Loops found, for the control plane to log. Forwarding thread only.</summary>
    public ReportLog<LoopReport> LoopReports { get; } = new(64);

    /// <summary>
    /// Queues one probe on each forwarding port with loop detection on (in its PVID, else its lowest
    /// VLAN, tagged as the port sends that VLAN). The host calls this every few seconds, between
    /// batches, and drains the egress rings as usual. Returns the number of probes queued.
    /// </summary>
    public int EmitLoopProbes()
    {
        ApplyPendingPlan();
        ForwardingPlan plan = _plan;
        if (!plan.Config.LoopDetection.Enabled)
        {
            return 0;
        }
        _probeSequence++;
        int sent = 0;
        for (int port = 0; port < plan.PortCount; port++)
        {
            PortConfig config = plan.Config.Ports[port];
            if (config.State != PortState.Forwarding || !config.LoopDetection || _status[port].IsErrorDisabled)
            {
                continue;
            }
            int vid = config.Vlans.Pvid != 0 ? config.Vlans.Pvid : config.Vlans.Members.Vids.FirstOrDefault();
            if (vid == 0)
            {
                continue;
            }
            if (!_pool.TryRent(out FrameBuffer? probe))
            {
                _counters[port].CountEgressDrop(DropReason.PoolExhausted);
                continue;
            }
            ushort tag = config.Vlans.Untagged.Contains(vid) ? (ushort)0 : (ushort)vid;
            probe.SetLength(LoopProbe.Write(probe.WritableSpan, BridgeAddress, port, _probeSequence, tag));
            probe.IngressPort = port;
            _counters[port].LoopProbesSent++;
            Enqueue(probe, port, FrameKind.Multicast);
            sent++;
        }
        return sent;
    }

    /// <summary>True when the frame was a probe of ours (consumed); false for anything else.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ConsumeOwnProbe(FrameBuffer frame, PortCounters counters, int port, uint now)
    {
        if (!LoopProbe.TryRead(frame.Span, out MacAddress bridge, out int sentPort) || bridge != BridgeAddress)
        {
            return false;
        }
        Drop(frame, counters, DropReason.LoopProbeReturned);
        // A probe that left by a port already taken down found a loop that is already broken.
        if ((uint)sentPort < BridgeConfig.MaxPorts && !_status[sentPort].IsErrorDisabled)
        {
            ErrorDisable(port, ErrorDisableCause.LoopDetected, now, _plan.LoopRetrySeconds);
            LoopReports.Add(new LoopReport(sentPort, port, now));
        }
        return true;
    }
}
