// Collects a trace as the receive path runs in trace mode: stages, ACL decisions, egress copies,
// mirrors, policers; then seals it with the verdict.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed class TraceRecorder(ForwardingPlan plan, int ingressPort)
{
    private readonly List<TraceStage> _stages = [];
    private readonly List<TracedAclMatch> _acls = [];
    private readonly List<TracedEgress> _egress = [];
    private readonly List<int> _mirrors = [];
    private readonly List<string> _policers = [];

    public string PortName(int port) => (uint)port < (uint)plan.PortCount ? plan.Config.Ports[port].Name : $"#{port}";

    public void Stage(string name, string text) => _stages.Add(new TraceStage(name, text));

    public void EgressStage(int port, string name, string text) => _stages.Add(new TraceStage(name, text, port));

    public void Acl(TracedAclMatch match) => _acls.Add(match);

    public void Mirror(int port) => _mirrors.Add(port);

    public void Policer(string name) => _policers.Add(name);

    public void Egress(TracedEgress egress) => _egress.Add(egress);

    /// <summary>The stage that dropped the frame, with the reason; the verdict follows at <see cref="Sealed"/>.</summary>
    public void Dropped(DropReason reason, string stage, string text) => Stage(stage, $"{text} -> drop ({DropReasons.Name(reason)})");

    public FrameTrace Forwarded() =>
        Sealed(new TraceVerdict(TraceOutcome.Forwarded, null, [.. _egress.Where(e => e.Delivered).Select(e => e.Port)]));

    public FrameTrace Sealed(TraceVerdict verdict) =>
        new(ingressPort, (uint)ingressPort < (uint)plan.PortCount ? plan.Config.Ports[ingressPort].Name : "",
            [.. _stages], verdict, [.. _acls], [.. _egress], [.. _mirrors], [.. _policers]);
}
