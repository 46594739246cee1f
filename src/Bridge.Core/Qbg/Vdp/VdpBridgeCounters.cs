// What a port's VDP bridge machine has seen: every VDPDU is counted once as malformed, dropped for want
// of a Manager ID, or handled; every VSI TLV of a handled one as accepted, kept alive, refused, ignored.
namespace Hairpin.Bridge.Core.Qbg.Vdp;

public sealed class VdpBridgeCounters
{
    /// <summary>VDPDUs handed in, whether well-formed or not.</summary>
    public long Received { get; internal set; }
    /// <summary>VDPDUs the codec could not read: dropped unanswered.</summary>
    public long Malformed { get; internal set; }
    /// <summary>VDPDUs without a Manager ID TLV first: dropped unanswered, as lldpad does.</summary>
    public long MissingManagerId { get; internal set; }
    /// <summary>VSI TLVs with the response bit set (a bridge answers requests, never answers): ignored.</summary>
    public long AnswersIgnored { get; internal set; }
    /// <summary>Requests that associated, pre-associated or changed a VSI.</summary>
    public long Accepted { get; internal set; }
    public long KeepAlives { get; internal set; }
    public long Refused { get; internal set; }
    public long Deassociated { get; internal set; }
    public long Expired { get; internal set; }

    public override string ToString() =>
        $"received {Received} malformed {Malformed} no-manager {MissingManagerId} answers-ignored {AnswersIgnored} " +
        $"accepted {Accepted} keep-alives {KeepAlives} refused {Refused} deassociated {Deassociated} expired {Expired}";
}
