// The optional receive-path stages, as a port's configuration compiles them (ForwardingPlan): a port
// runs exactly the ones its settings ask for, in the receive path's order, and a port with none of
// them (no ping-pong guard, VSIs, port security, ACLs or QoS beyond PCP) skips them all on one test.
namespace Hairpin.Bridge.Core.Forwarding;

[Flags]
internal enum IngressStages : byte
{
    None = 0,
    /// <summary>Hairpin with the ping-pong guard: our own floods sent back are caught before learning.</summary>
    PingPongGuard = 1 << 0,
    /// <summary>802.1Qbg: frames from the port's VSIs are admitted and counted; others refused where enforced.</summary>
    VsiAdmission = 1 << 1,
    PortSecurity = 1 << 2,
    /// <summary>The port's ingress ACL or VM ACLs.</summary>
    IngressAcl = 1 << 3,
    /// <summary>DSCP trust, policers, the matched rules' actions: QoS beyond the PCP classification every frame gets.</summary>
    IngressQos = 1 << 4,

    /// <summary>The stages that decide whether the frame may enter at all, run together out of line.</summary>
    Admission = VsiAdmission | PortSecurity | IngressAcl,
}

internal static class IngressStagePlan
{
    /// <summary>The stages <paramref name="port"/>'s flags ask for.</summary>
    public static IngressStages Of(in PortPlan port) =>
        (port.GuardsPingPong ? IngressStages.PingPongGuard : 0)
        | (port.ChecksVsiSource ? IngressStages.VsiAdmission : 0)
        | (port.Secured ? IngressStages.PortSecurity : 0)
        | (port.HasIngressPolicy ? IngressStages.IngressAcl : 0)
        | (port.HasIngressQos ? IngressStages.IngressQos : 0);
}
