// Where an ACL rule's `mirror` action sends its copy (a port, or a mirroring session): the engine, which owns the pool, the egress
// queues and the protection state that says whether a port may send. Called only on the rare path of
// a rule that mirrors, so an interface call costs the common frame nothing.
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal interface IMirrorPort
{
    /// <summary>A mirror goes only to a forwarding port that is up.</summary>
    bool CanMirrorTo(int port, ForwardingPlan plan);

    /// <summary>A copy of the frame as it is now, out of <paramref name="port"/> (SPAN: no VLAN or ACL checks there).</summary>
    void Mirror(FrameBuffer frame, int port, ForwardingPlan plan);

    /// <summary>A copy of the frame as it is now, for the mirroring session at <paramref name="session"/> of the plan's MirrorSessionNames (nothing when it is not running).</summary>
    void MirrorToSession(FrameBuffer frame, int session, int egressPort);
}
