// The engine state a trace reads, and only reads. BridgeEngine implements it (BridgeEngine.Trace.cs)
// so the tracer can see per-port runtime state (error-disable, storm meters, reflected frames)
// without the data path files exposing it.
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

internal interface ITraceState
{
    ForwardingPlan Plan { get; }
    FdbTable Fdb { get; }
    /// <summary>Ports down for protection, probing ones included (a port comes back by RunProtectionTimers, not by a batch).</summary>
    ulong ErrorDisabledPorts { get; }
    /// <summary>The FDB's clock, whole seconds, as the next batch would read it.</summary>
    uint Now { get; }
    MacAddress BridgeAddress { get; }
    PortStatus Status(int port);
    /// <summary>Whether the port's storm meter for <paramref name="kind"/> has a token now (none is taken).</summary>
    bool StormMeterHasToken(int port, FrameKind kind, long framesPerSecond);
    /// <summary>Whether a frame arriving on <paramref name="port"/> is one this bridge flooded out of it from another port within the ping-pong window.</summary>
    bool IsOwnFloodReturned(int port, FrameKind kind, ReadOnlySpan<byte> frame, bool hasCustomerTag);
    /// <summary>How long BPDU guard would hold the port down if it fired now (its backoff, not advanced).</summary>
    uint BpduGuardHoldSeconds(int port);
    /// <summary>How long loop detection would hold the port down if it fired now (its backoff, not advanced).</summary>
    uint LoopHoldSeconds(int port);
    /// <summary>Whether learning in <paramref name="vid"/> waits, after a port of that VLAN went down for protection.</summary>
    bool LearningHeld(int vid);
    bool ControlPlaneHasRoom { get; }
    bool EgressQueueHasRoom(int port, int trafficClass, int frameBytes);
    int PoolAvailable { get; }
}
