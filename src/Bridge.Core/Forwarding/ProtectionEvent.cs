// What the control plane is told when a protection feature takes a port down or lets it back up:
// one event per change, with what an operator needs to find the cause (the Host logs each one).
namespace Hairpin.Bridge.Core.Forwarding;

public enum ProtectionEventKind : byte
{
    /// <summary>The port went down (or, probing, went back down: the loop is still there).</summary>
    ErrorDisabled,
    /// <summary>Its hold is over; it probes for the loop before it forwards.</summary>
    Probing,
    /// <summary>Its hold (and probe window) is over: it forwards again.</summary>
    Recovered,
    /// <summary>An operator brought it back (`link set ... state`, or RecoverPort).</summary>
    RecoveredByOperator,
}

/// <param name="Port">The port the event happened to.</param>
/// <param name="HoldSeconds">ErrorDisabled: how long it stays down (0: until an operator recovers it); Probing: the probe window.</param>
/// <param name="ProbeSentPort">Loop events: the port our probe left by (-1 otherwise).</param>
/// <param name="ProbeReceivedPort">Loop events: the port it came back on (the same port when a neighbour reflects; -1 otherwise).</param>
/// <param name="Second">The engine second it happened.</param>
public readonly record struct ProtectionEvent(
    int Port,
    ProtectionEventKind Kind,
    ErrorDisableCause Cause,
    uint HoldSeconds,
    int ProbeSentPort,
    int ProbeReceivedPort,
    uint Second);
