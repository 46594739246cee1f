// What a port's VDP bridge machine has seen: every VDPDU is counted once as malformed, dropped for want
// of a Manager ID, or handled; every VSI TLV of a handled one as accepted, kept alive, refused, deferred,
// ignored. Replays of deferred requests and VSIs restored at start are counted apart from what was received.
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
    /// <summary>Requests the policy could not answer yet: left unanswered, for the host to replay.</summary>
    public long Deferred { get; internal set; }
    /// <summary>Requests the host replayed (<see cref="VdpBridge.Replay"/>): not counted in <see cref="Received"/>.</summary>
    public long Replayed { get; internal set; }
    /// <summary>VSIs installed by <see cref="VdpBridge.Restore(VsiRecord, TimeSpan)"/> (an appliance restarting with its associations).</summary>
    public long Restored { get; internal set; }
    public long Deassociated { get; internal set; }
    public long Expired { get; internal set; }

    public override string ToString() =>
        $"received {Received} malformed {Malformed} no-manager {MissingManagerId} answers-ignored {AnswersIgnored} " +
        $"accepted {Accepted} keep-alives {KeepAlives} refused {Refused} deferred {Deferred} replayed {Replayed} restored {Restored} deassociated {Deassociated} expired {Expired}";
}
