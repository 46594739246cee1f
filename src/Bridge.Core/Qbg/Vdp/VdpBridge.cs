// The bridge side of VDP on one port (802.1Qbg-2012 41.5.5, bridge state machine): a table of the VSIs
// the station behind the port has (pre-)associated, the answer to each request, and keep-alive expiry.
// Pure: requests and the current time in; the answer to send over ECP and decisions for the host out.
// An appliance that restarts puts back the VSIs it held (Restore) for the stations' keep-alives to find.
using System.Diagnostics.CodeAnalysis;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

/// <summary>
/// One port's VDP bridge machine. Every VSI TLV of a request is answered as lldpad requires: the same
/// Manager ID first, then the same TLV type, type ID, version, VSIID and filter entries with status
/// 0x40 | error (VIDs filled in where the station sent 0). One the policy defers is answered later, by
/// <see cref="Replay"/>. Not thread-safe: the port's control loop owns it.
/// </summary>
public sealed class VdpBridge
{
    public const int DefaultMaxVsis = 256;

    private readonly IVsiPolicy _policy;
    private readonly Dictionary<VsiId, VsiRecord> _vsis = [];

    public VdpBridge(IVsiPolicy policy, int maxVsis = DefaultMaxVsis)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxVsis);
        _policy = policy;
        MaxVsis = maxVsis;
    }

    /// <summary>VSIs this port holds, in any state; a new VSI beyond it is refused (insufficient resources).</summary>
    public int MaxVsis { get; }

    /// <summary>A VSI not refreshed within this is removed by <see cref="Tick"/>; see <see cref="VdpTimers.KeepAliveWindow"/>.</summary>
    public TimeSpan KeepAliveWindow { get; private set; } = VdpTimers.KeepAliveWindow(VdpTimers.DefaultRka);

    public VdpBridgeCounters Counters { get; } = new();

    public IReadOnlyCollection<VsiRecord> Vsis => _vsis.Values;

    public bool TryGet(VsiId id, [MaybeNullWhen(false)] out VsiRecord vsi) => _vsis.TryGetValue(id, out vsi);

    /// <summary>The (MAC, VID) pairs of associated VSIs: what the port's VSI admission should admit.</summary>
    public IEnumerable<VsiBinding> Bindings => _vsis.Values.Where(v => v.State == VsiState.Associated).SelectMany(v => v.Bindings);

    /// <summary>When the next VSI expires unless refreshed; null with an empty table.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            // Asked between every two batches of the forwarding loop: a plain loop, no LINQ enumerator.
            TimeSpan? oldest = null;
            foreach (VsiRecord vsi in _vsis.Values)
            {
                if (oldest is not TimeSpan known || vsi.LastKeepAlive < known)
                {
                    oldest = vsi.LastKeepAlive;
                }
            }
            return oldest + KeepAliveWindow;
        }
    }

    /// <summary>Set from the negotiated RKA (<see cref="VdpTimers.KeepAliveWindow"/>); applies to the next <see cref="Tick"/>.</summary>
    public void SetKeepAliveWindow(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        KeepAliveWindow = window;
    }

    /// <summary>A VDPDU as ECP delivered it (padding allowed); a malformed one is counted and dropped.</summary>
    public VdpAnswer Receive(ReadOnlySpan<byte> payload, TimeSpan now)
    {
        if (!VdpCodec.TryParse(payload, out VdpMessage request, out VdpParseFailure failure))
        {
            Counters.Received++;
            Counters.Malformed++;
            return VdpAnswer.Dropped(failure.ToString());
        }
        return Receive(request, now);
    }

    public VdpAnswer Receive(VdpMessage request, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(request);
        Counters.Received++;
        return Answer(request, now);
    }

    /// <summary>
    /// Answers, now, a request the policy deferred (<see cref="VsiDecision.Request"/> of a
    /// <see cref="VsiDecisionKind.Deferred"/> decision), exactly as if it had just arrived: the table as
    /// it stands now decides (a station that sent the same request again meanwhile makes this a
    /// keep-alive), and the policy is asked again, so it may defer once more. Counted as replayed, not received.
    /// </summary>
    public VdpAnswer Replay(VdpMessage request, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(request);
        Counters.Replayed++;
        return Answer(request, now);
    }

    private VdpAnswer Answer(VdpMessage request, TimeSpan now)
    {
        if (request.ManagerId is not VdpManagerId manager)
        {
            Counters.MissingManagerId++;
            return VdpAnswer.Dropped("no Manager ID TLV first");
        }
        var answers = new List<VsiTlv>(request.Vsis.Count);
        var decisions = new List<VsiDecision>();
        foreach (VsiTlv tlv in request.Vsis)
        {
            if (tlv.Status.IsResponse)
            {
                Counters.AnswersIgnored++;
                continue;
            }
            if ((tlv.Type == VdpRequest.DeAssociate ? Deassociate(tlv, decisions) : Admit(manager, tlv, now, decisions)) is VsiTlv answer)
            {
                answers.Add(answer);
            }
        }
        return new VdpAnswer(answers.Count == 0 ? null : new VdpMessage(manager, answers), decisions);
    }

    /// <summary>Removes the VSIs whose keep-alive window has run out.</summary>
    public IReadOnlyList<VsiDecision> Tick(TimeSpan now)
    {
        List<VsiDecision>? expired = null;
        foreach (VsiRecord vsi in _vsis.Values)
        {
            if (now - vsi.LastKeepAlive >= KeepAliveWindow)
            {
                (expired ??= []).Add(new VsiDecision(VsiDecisionKind.Expired, vsi));
            }
        }
        if (expired is null)
        {
            return [];
        }
        foreach (VsiDecision decision in expired)
        {
            _vsis.Remove(decision.Vsi.Id);
            Counters.Expired++;
        }
        return expired;
    }

    /// <summary>
    /// Installs a VSI this port held before the appliance restarted (as its store kept it), as if the
    /// station had just refreshed it: <c>AssociatedAt</c> and <c>LastKeepAlive</c> are
    /// <paramref name="now"/>. The station's next keep-alive then refreshes it without asking the policy;
    /// with none within the keep-alive window it expires as usual. False, the table unchanged, for a
    /// record the table cannot take: see <see cref="Restore(VsiRecord, TimeSpan, out string)"/>.
    /// </summary>
    public bool Restore(VsiRecord vsi, TimeSpan now) => Restore(vsi, now, out _);

    /// <summary>
    /// As <see cref="Restore(VsiRecord, TimeSpan)"/>, saying why a record is refused: the port already
    /// holds that VSIID (the station was heard first: its state is the newer), it would exceed
    /// <see cref="MaxVsis"/>, it is not a request a bridge holds (a De-Associate; a malformed VSIID, no
    /// filter entries, a group MAC, a VID outside 1..4094: a damaged store), or one of its (MAC, VID)
    /// pairs is bound to another VSI here. No decision is made: the caller binds what it restored.
    /// </summary>
    public bool Restore(VsiRecord vsi, TimeSpan now, out string reason)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        reason = RestoreError(vsi) ?? "";
        if (reason.Length > 0)
        {
            return false;
        }
        _vsis[vsi.Id] = vsi with { AssociatedAt = now, LastKeepAlive = now };
        Counters.Restored++;
        return true;
    }

    private string? RestoreError(VsiRecord vsi)
    {
        if (_vsis.ContainsKey(vsi.Id))
        {
            return $"the port already holds VSI {vsi.IdText}";
        }
        if (_vsis.Count >= MaxVsis)
        {
            return $"the port holds {MaxVsis} VSIs, its limit";
        }
        if (vsi.State == VsiState.Deassociated)
        {
            return "a de-associated VSI is not held";
        }
        if (vsi.Filters.Count == 0 || !vsi.Id.IsDefinedFormat || vsi.Id.Value == UInt128.Zero)
        {
            return $"VSI {vsi.IdText}: no filter entries, or a VSIID of no defined format or all zeros";
        }
        if (FilterError(vsi.Filters) is string filterError)
        {
            return filterError;
        }
        for (int i = 0; i < vsi.Filters.Count; i++)
        {
            if (vsi.Filters[i].Vid is < 1 or > VlanSet.MaxVid)
            {
                return $"filter entry {i} ({vsi.Filters[i]}) has no VLAN in 1..{VlanSet.MaxVid}";
            }
        }
        return BindingConflict(vsi.Id, [.. vsi.Filters]);
    }

    /// <summary>
    /// The bridge's own De-Associate for <paramref name="vsi"/> (status without the response bit): what
    /// the standard's bridge sends when it drops a VSI the station still holds, after <see cref="Remove"/>
    /// or an expiry. A station (lldpad) ends the association on it.
    /// </summary>
    public static byte[] DeassociateNotice(VsiRecord vsi)
    {
        ArgumentNullException.ThrowIfNull(vsi);
        var tlv = new VsiTlv(VdpRequest.DeAssociate, new VdpStatus(0), vsi.TypeId, vsi.TypeVersion, vsi.Id, vsi.FilterFormat, vsi.Filters);
        return VdpCodec.Encode(new VdpMessage(vsi.Manager, [tlv]));
    }

    /// <summary>Drops one VSI (the host's own decision); tell the station with <see cref="DeassociateNotice"/>.</summary>
    public VsiDecision? Remove(VsiId id) =>
        _vsis.Remove(id, out VsiRecord? vsi) ? new VsiDecision(VsiDecisionKind.Deassociated, vsi) : null;

    /// <summary>Drops every VSI, e.g. when the port's link goes down or EVB is no longer negotiated.</summary>
    public IReadOnlyList<VsiDecision> Clear()
    {
        VsiDecision[] all = [.. _vsis.Values.Select(v => new VsiDecision(VsiDecisionKind.Deassociated, v))];
        _vsis.Clear();
        return all;
    }

    // A De-Associate removes the VSI at once and is always answered with success, even for a VSI the
    // port does not know (the station's wish is already true).
    private VsiTlv Deassociate(VsiTlv tlv, List<VsiDecision> decisions)
    {
        IReadOnlyList<VdpFilter> filters = tlv.Filters;
        if (_vsis.Remove(tlv.VsiId, out VsiRecord? vsi))
        {
            Counters.Deassociated++;
            decisions.Add(new VsiDecision(VsiDecisionKind.Deassociated, vsi));
            filters = FillAssignedVids(tlv.Filters, vsi.Filters);
        }
        return Answer(tlv, VdpStatus.Response(VdpError.None), filters);
    }

    // Null: deferred, no answer for this TLV now.
    private VsiTlv? Admit(VdpManagerId manager, VsiTlv tlv, TimeSpan now, List<VsiDecision> decisions)
    {
        _vsis.TryGetValue(tlv.VsiId, out VsiRecord? existing);
        if (existing is not null && IsKeepAlive(existing, manager, tlv))
        {
            _vsis[tlv.VsiId] = existing with { LastKeepAlive = now, Hint = tlv.Status.Hint };
            Counters.KeepAlives++;
            return Answer(tlv, VdpStatus.Response(VdpError.None), FillAssignedVids(tlv.Filters, existing.Filters));
        }

        if (FormatError(tlv) is string formatError)
        {
            return Refuse(manager, tlv, existing, VdpError.InvalidFormat, formatError, now, decisions);
        }
        if (FilterError(tlv.Filters) is string filterError)
        {
            return Refuse(manager, tlv, existing, VdpError.InvalidFilter, filterError, now, decisions);
        }
        if (existing is null && _vsis.Count >= MaxVsis)
        {
            return Refuse(manager, tlv, existing, VdpError.InsufficientResources, $"the port holds {MaxVsis} VSIs, its limit", now, decisions);
        }
        var request = new VsiRequest(tlv.Type, manager, tlv.TypeId, tlv.TypeVersion, tlv.VsiId, tlv.Status.Hint, tlv.FilterFormat, tlv.Filters);
        VsiVerdict verdict = _policy.Evaluate(request);
        if (verdict.Deferred)
        {
            Defer(manager, tlv, verdict.Reason, now, decisions);
            return null;
        }
        if (!verdict.Accepted)
        {
            return Refuse(manager, tlv, existing, verdict.Error, verdict.Reason, now, decisions);
        }
        var filters = new VdpFilter[tlv.Filters.Count];
        for (int i = 0; i < filters.Length; i++)
        {
            VdpFilter requested = tlv.Filters[i];
            int vid = requested.Vid != 0 ? requested.Vid : i < verdict.Vids.Count ? verdict.Vids[i] : 0;
            if (vid is < 1 or > VlanSet.MaxVid)
            {
                return Refuse(manager, tlv, existing, VdpError.InvalidFilter, $"no VLAN in 1..{VlanSet.MaxVid} for filter entry {i} ({requested}): the policy gave {vid}", now, decisions);
            }
            filters[i] = requested.WithVid(vid);
        }
        if (BindingConflict(tlv.VsiId, filters) is string conflict)
        {
            return Refuse(manager, tlv, existing, VdpError.InvalidFilter, conflict, now, decisions);
        }

        var vsi = new VsiRecord(tlv.VsiId, manager, tlv.TypeId, tlv.TypeVersion, tlv.Type, tlv.Status.Hint, tlv.FilterFormat, filters, now, now);
        VsiDecisionKind kind = vsi.State == VsiState.Associated ? VsiDecisionKind.Associated : VsiDecisionKind.PreAssociated;
        if (existing is not null && existing.State == vsi.State)
        {
            vsi = vsi with { AssociatedAt = existing.AssociatedAt };
            kind = VsiDecisionKind.Changed;
        }
        _vsis[tlv.VsiId] = vsi;
        Counters.Accepted++;
        decisions.Add(new VsiDecision(kind, vsi));
        return Answer(tlv, VdpStatus.Response(VdpError.None), filters);
    }

    // The station repeats its request unchanged every keep-alive period; once it has adopted the VIDs the
    // bridge assigned it sends them, but a station that keeps sending 0 is refreshing the same VSI too.
    private static bool IsKeepAlive(VsiRecord vsi, VdpManagerId manager, VsiTlv tlv)
    {
        if (vsi.Request != tlv.Type || vsi.Manager != manager || vsi.TypeId != tlv.TypeId || vsi.TypeVersion != tlv.TypeVersion
            || vsi.FilterFormat != tlv.FilterFormat || vsi.Filters.Count != tlv.Filters.Count)
        {
            return false;
        }
        for (int i = 0; i < tlv.Filters.Count; i++)
        {
            VdpFilter held = vsi.Filters[i];
            VdpFilter asked = tlv.Filters[i];
            if (asked.Mac != held.Mac || asked.GroupId != held.GroupId || asked.PcpSignificant != held.PcpSignificant
                || asked.Pcp != held.Pcp || (asked.Vid != 0 && asked.Vid != held.Vid))
            {
                return false;
            }
        }
        return true;
    }

    private static string? FormatError(VsiTlv tlv)
    {
        if (!tlv.VsiId.IsDefinedFormat)
        {
            return $"VSIID format {(byte)tlv.VsiId.Format} is not defined";
        }
        if (tlv.VsiId.Value == UInt128.Zero)
        {
            return "the VSIID is all zeros";
        }
        return tlv.Filters.Count == 0 ? "no filter entries" : null;
    }

    private static string? FilterError(IReadOnlyList<VdpFilter> filters)
    {
        for (int i = 0; i < filters.Count; i++)
        {
            VdpFilter filter = filters[i];
            if (filter.Vid > VlanSet.MaxVid)
            {
                return $"filter entry {i}: VID {filter.Vid} is reserved";
            }
            if (filter.Mac is MacAddress mac && (mac.IsGroup || mac.IsZero))
            {
                return $"filter entry {i}: MAC {mac} is not a unicast address";
            }
        }
        return null;
    }

    // A (MAC, VID) is bound to one VSI on a port: twice in one request, or held by another VSI, is refused.
    private string? BindingConflict(VsiId id, VdpFilter[] filters)
    {
        for (int i = 0; i < filters.Length; i++)
        {
            if (filters[i].Mac is not MacAddress mac)
            {
                continue;
            }
            int vid = filters[i].Vid;
            for (int j = 0; j < i; j++)
            {
                if (filters[j].Mac == mac && filters[j].Vid == vid)
                {
                    return $"MAC {mac} on VLAN {vid} appears twice";
                }
            }
            foreach (VsiRecord other in _vsis.Values)
            {
                if (other.Id != id && other.Filters.Any(f => f.Mac == mac && f.Vid == vid))
                {
                    return $"MAC {mac} on VLAN {vid} is bound to VSI {other.IdText}";
                }
            }
        }
        return null;
    }

    // A refused change to a VSI the port holds leaves it as it was, and says so with the KEEP bit.
    private VsiTlv Refuse(VdpManagerId manager, VsiTlv tlv, VsiRecord? existing, VdpError error, string reason, TimeSpan now, List<VsiDecision> decisions)
    {
        Counters.Refused++;
        var requested = new VsiRecord(tlv.VsiId, manager, tlv.TypeId, tlv.TypeVersion, tlv.Type, tlv.Status.Hint, tlv.FilterFormat, tlv.Filters, now, now);
        decisions.Add(new VsiDecision(VsiDecisionKind.Refused, requested, error, reason));
        return Answer(tlv, VdpStatus.Response(error, keep: existing is not null), tlv.Filters);
    }

    // The station hears nothing for now (its response wait runs on); the host replays the TLV alone.
    private void Defer(VdpManagerId manager, VsiTlv tlv, string reason, TimeSpan now, List<VsiDecision> decisions)
    {
        Counters.Deferred++;
        var requested = new VsiRecord(tlv.VsiId, manager, tlv.TypeId, tlv.TypeVersion, tlv.Type, tlv.Status.Hint, tlv.FilterFormat, tlv.Filters, now, now);
        decisions.Add(new VsiDecision(VsiDecisionKind.Deferred, requested, Reason: reason) { Request = new VdpMessage(manager, [tlv]) });
    }

    private static VsiTlv Answer(VsiTlv request, VdpStatus status, IReadOnlyList<VdpFilter> filters) =>
        request with { Status = status, Filters = filters };

    private static IReadOnlyList<VdpFilter> FillAssignedVids(IReadOnlyList<VdpFilter> asked, IReadOnlyList<VdpFilter> held)
    {
        if (asked.Count != held.Count || asked.All(f => f.Vid != 0))
        {
            return asked;
        }
        return [.. asked.Select((f, i) => f.Vid == 0 ? f.WithVid(held[i].Vid) : f)];
    }
}
