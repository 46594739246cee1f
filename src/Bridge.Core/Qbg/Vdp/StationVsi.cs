// What a station wants for one VSI, and where the bridge's answers have left it. The host reads State and
// Vid to tag the VM's traffic; VdpStation.Version tells it when to read them again.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

/// <summary>A VSI the host wants (pre-)associated on the uplink, with one MAC/VID filter entry.</summary>
/// <param name="Vid">0: the bridge assigns one, which the station adopts.</param>
/// <param name="Mode">Associate, or a Pre-Associate (with reservation) ahead of a migration.</param>
public sealed record VsiRequestSpec(
    VdpManagerId Manager,
    uint TypeId,
    byte TypeVersion,
    VsiId Id,
    MacAddress Mac,
    int Vid = 0,
    VsiHint Hint = VsiHint.None,
    VdpRequest Mode = VdpRequest.Associate)
{
    internal void Validate()
    {
        if (TypeId > VsiTlv.MaxTypeId)
        {
            throw new ArgumentException($"VSI type ID {TypeId} does not fit 24 bits");
        }
        if (Vid is < 0 or > VlanSet.MaxVid)
        {
            throw new ArgumentException($"VID {Vid} is outside 0..{VlanSet.MaxVid}");
        }
        if (Mac.IsGroup || Mac.IsZero)
        {
            throw new ArgumentException($"MAC {Mac} is not a unicast address");
        }
        if (Mode == VdpRequest.DeAssociate || !Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"{Mode} is not a request to associate; use VdpStation.Deassociate");
        }
        if (!Id.IsDefinedFormat)
        {
            throw new ArgumentException($"VSIID format {(byte)Id.Format} is not defined");
        }
    }
}

public enum StationVsiState : byte
{
    /// <summary>Asked for, no answer yet.</summary>
    Pending,
    PreAssociated,
    Associated,
    /// <summary>The bridge answered with an error; retried after a back-off.</summary>
    Refused,
    /// <summary>The host withdrew it; the De-Associate is on its way.</summary>
    Deassociating,
    /// <summary>The bridge de-associated it unasked; retried after a back-off.</summary>
    Deassociated,
    /// <summary>No answer within the response wait; the request is being resent.</summary>
    TimedOut,
}

public sealed class StationVsi
{
    internal StationVsi(VsiRequestSpec spec)
    {
        Spec = spec;
    }

    public VsiRequestSpec Spec { get; internal set; }
    public StationVsiState State { get; internal set; }
    /// <summary>The VID the bridge filled in where the station sent 0; 0 until then.</summary>
    public int AssignedVid { get; internal set; }
    /// <summary>The VID to tag with: the spec's own, else the one the bridge assigned (0: none yet).</summary>
    public int Vid => Spec.Vid != 0 ? Spec.Vid : AssignedVid;
    /// <summary>The status of the bridge's last answer.</summary>
    public VdpStatus LastStatus { get; internal set; }
    /// <summary>Why the VSI is Refused, Deassociated or TimedOut (or what the bridge kept it despite); else empty.</summary>
    public string Reason { get; internal set; } = "";
    public TimeSpan? LastAnswerAt { get; internal set; }
    /// <summary>Refusals, bridge de-associations and timeouts in a row: the back-off doubles with each.</summary>
    public int Failures { get; internal set; }

    internal bool Awaiting { get; set; }
    internal VdpRequest SentType { get; set; }
    internal TimeSpan SentAt { get; set; }
    /// <summary>When the next request (first, retry or keep-alive) is due.</summary>
    internal TimeSpan NextSend { get; set; }
    internal bool Withdrawn => State == StationVsiState.Deassociating;

    public override string ToString() =>
        $"VSI {Spec.Id} {State} vid {Vid}{(Reason.Length == 0 ? "" : $" ({Reason})")}";
}

public sealed class VdpStationCounters
{
    /// <summary>Requests handed to ECP: first requests, retries and keep-alives.</summary>
    public long Sent { get; internal set; }
    public long Received { get; internal set; }
    public long Malformed { get; internal set; }
    /// <summary>Bridge answers taken (status with the response bit, matching a request in flight).</summary>
    public long Answers { get; internal set; }
    /// <summary>VSI TLVs not taken: no response bit, unknown VSI, fields that do not match, nothing in flight.</summary>
    public long Ignored { get; internal set; }
    public long Refusals { get; internal set; }
    public long Timeouts { get; internal set; }
    public long BridgeDeassociations { get; internal set; }

    public override string ToString() =>
        $"sent {Sent} received {Received} malformed {Malformed} answers {Answers} ignored {Ignored} " +
        $"refusals {Refusals} timeouts {Timeouts} bridge-deassociations {BridgeDeassociations}";
}
