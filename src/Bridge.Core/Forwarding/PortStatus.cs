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
/// <param name="RecoverAtSecond">When it comes back by itself; 0 means only an operator brings it back.</param>
public readonly record struct PortStatus(ErrorDisableCause Cause, uint SinceSecond, uint RecoverAtSecond)
{
    public bool IsErrorDisabled => Cause != ErrorDisableCause.None;
}
