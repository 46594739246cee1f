// The engine state a trace's sink reads, and only reads, to word a decision or to predict a side
// effect the trace switches off. BridgeEngine implements it (BridgeEngine.Trace.cs) so the sink can
// see per-port runtime state (error-disable, link state, backoffs, queues, the pool) without the data path files
// exposing it.
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Bridge.Core.Tracing;

internal interface ITraceState
{
    ForwardingPlan Plan { get; }
    FdbTable Fdb { get; }
    /// <summary>Ports down for protection, probing ones included (a port comes back by RunProtectionTimers, not by a batch).</summary>
    ulong ErrorDisabledPorts { get; }
    /// <summary>Ports whose link the host reported down (BridgeEngine.SetLinkUp).</summary>
    ulong LinkDownPorts { get; }
    /// <summary>Ports that are a running mirroring session's destination (they get mirror copies only).</summary>
    ulong MirrorDestinationPorts { get; }
    /// <summary>The FDB's clock, whole seconds, as the next batch would read it.</summary>
    uint Now { get; }
    PortStatus Status(int port);
    /// <summary>How long BPDU guard would hold the port down if it fired now (its backoff, not advanced).</summary>
    uint BpduGuardHoldSeconds(int port);
    /// <summary>How long loop detection would hold the port down if it fired now (its backoff, not advanced).</summary>
    uint LoopHoldSeconds(int port);
    bool ControlPlaneHasRoom { get; }
    bool EgressQueueHasRoom(int port, int trafficClass, int frameBytes);
    int PoolAvailable { get; }
}
