// Real-peer tests build namespaces and run processes: one at a time keeps them bounded on a 2-core machine.
namespace Hairpin.DumbVswitch.Tests.RealPeers;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealPeerTestGroup
{
    public const string Name = "real peers";
}
