// A port's operational state beyond its configuration: error-disabled by a protection feature, and
// until when. Configuration says what a port should do; this says what the bridge made of it.
namespace Hairpin.Bridge.Core.Forwarding;

public enum ErrorDisableCause : byte
{
    None,
    BpduGuard,
    PortSecurity,
    StormControl,
    LoopDetected,
}

/// <param name="Cause">Why the port is down; None when it is up.</param>
/// <param name="SinceSecond">The engine second it went down.</param>
/// <param name="RecoverAtSecond">
/// When it comes back by itself (0: only an operator brings it back); while probing, when it
/// forwards again if none of its probes came back by then.
/// </param>
/// <param name="Probing">
/// Its hold is over and it is testing for the loop that took it down: it sends loop probes and
/// listens for them, and forwards nothing yet (specs/loop-protection.md).
/// </param>
public readonly record struct PortStatus(ErrorDisableCause Cause, uint SinceSecond, uint RecoverAtSecond, bool Probing = false)
{
    /// <summary>Down for protection: error-disabled, or probing before it forwards again.</summary>
    public bool IsErrorDisabled => Cause != ErrorDisableCause.None;
}
