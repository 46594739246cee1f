// What the 802.1Qbg control plane has decided, as one immutable value the runtime publishes through
// the overlay: which ports negotiated reflective relay, and which VMs are associated where.
namespace Hairpin.Host.Qbg;

public sealed record QbgState(IReadOnlySet<string> NegotiatedRelay, IReadOnlyList<VsiAssociation> Associations)
{
    public static QbgState None { get; } = new(new HashSet<string>(), []);
}
