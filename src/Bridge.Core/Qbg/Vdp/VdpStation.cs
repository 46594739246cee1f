// The station side of VDP on one uplink (802.1Qbg-2012 41.5.5, station state machine), as lldpad plays
// it for libvirt: one request per VSI, Manager ID first; wait for the bridge's answer; resend it every
// keep-alive period; retry what was refused, timed out or de-associated by the bridge. Pure: the host's
// wishes, answers and the current time in; VDPDUs for ECP and a version to poll out.
using System.Diagnostics.CodeAnalysis;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

/// <summary>One uplink's VDP station machine. Not thread-safe: the uplink's control loop owns it.</summary>
public sealed class VdpStation
{
    /// <summary>First wait before retrying a refused or bridge-de-associated VSI; doubles per failure in a row.</summary>
    public static readonly TimeSpan DefaultRetryBackoff = TimeSpan.FromSeconds(10);
    private const int MaxBackoffDoublings = 3;

    private readonly Dictionary<VsiId, StationVsi> _vsis = [];

    /// <summary>Resend period of an answered request: 2^RKA x 10 us (10.49 s at lldpad's RKA 20).</summary>
    public TimeSpan KeepAliveInterval { get; private set; } = VdpTimers.KeepAliveInterval(VdpTimers.DefaultRka);
    /// <summary>Wait for an answer before resending (15.76 s with lldpad's defaults).</summary>
    public TimeSpan ResponseWait { get; private set; } = VdpTimers.ResponseWait(VdpTimers.DefaultRetries, VdpTimers.DefaultRte, VdpTimers.DefaultRwd);
    public TimeSpan RetryBackoff { get; private set; } = DefaultRetryBackoff;

    /// <summary>Bumped whenever a VSI appears, goes, changes state or VID: the host republishes its tagging.</summary>
    public long Version { get; private set; }

    public VdpStationCounters Counters { get; } = new();

    public IReadOnlyCollection<StationVsi> Vsis => _vsis.Values;

    public bool TryGet(VsiId id, [MaybeNullWhen(false)] out StationVsi vsi) => _vsis.TryGetValue(id, out vsi);

    /// <summary>When <see cref="Tick"/> has something to do: a request due or an answer overdue; null when idle.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            // Asked on every turn of the vswitch's loop: a plain loop, no LINQ enumerator.
            TimeSpan? next = null;
            foreach (StationVsi vsi in _vsis.Values)
            {
                TimeSpan due = vsi.Awaiting ? vsi.SentAt + ResponseWait : vsi.NextSend;
                if (next is not TimeSpan known || due < known)
                {
                    next = due;
                }
            }
            return next;
        }
    }

    public void SetKeepAliveInterval(TimeSpan interval) => KeepAliveInterval = Positive(interval);
    public void SetResponseWait(TimeSpan wait) => ResponseWait = Positive(wait);
    public void SetRetryBackoff(TimeSpan backoff) => RetryBackoff = Positive(backoff);

    /// <summary>Wants the VSI associated as <paramref name="spec"/> says; the request goes out on the next Tick.</summary>
    public void Associate(VsiRequestSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (_vsis.TryGetValue(spec.Id, out StationVsi? vsi) && !vsi.Withdrawn && vsi.Spec == spec)
        {
            return;
        }
        // New, changed or withdrawn-and-wanted-again: start over, so that no answer to an older request counts.
        _vsis[spec.Id] = new StationVsi(spec) { State = StationVsiState.Pending, NextSend = TimeSpan.Zero };
        Version++;
    }

    /// <summary>
    /// Withdraws the VSI: a De-Associate goes out on the next Tick unless the bridge holds nothing for it
    /// (refused or de-associated by the bridge), in which case it is forgotten at once. False if unknown.
    /// </summary>
    public bool Deassociate(VsiId id)
    {
        if (!_vsis.TryGetValue(id, out StationVsi? vsi))
        {
            return false;
        }
        if (vsi.State is StationVsiState.Refused or StationVsiState.Deassociated)
        {
            _vsis.Remove(id);
        }
        else if (!vsi.Withdrawn)
        {
            vsi.State = StationVsiState.Deassociating;
            vsi.Awaiting = false;
            vsi.NextSend = TimeSpan.Zero;
        }
        Version++;
        return true;
    }

    /// <summary>Sends what is due (one VDPDU per VSI, appended to <paramref name="send"/>) and gives up on overdue answers.</summary>
    public void Tick(TimeSpan now, List<byte[]> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        List<VsiId>? forgotten = null;
        foreach (StationVsi vsi in _vsis.Values)
        {
            if (vsi.Awaiting)
            {
                if (now - vsi.SentAt < ResponseWait)
                {
                    continue;
                }
                if (!NoAnswer(vsi, now))
                {
                    (forgotten ??= []).Add(vsi.Spec.Id);
                    continue;
                }
            }
            if (now >= vsi.NextSend)
            {
                send.Add(VdpCodec.Encode(Request(vsi)));
                Counters.Sent++;
                vsi.Awaiting = true;
                vsi.SentAt = now;
            }
        }
        foreach (VsiId id in forgotten ?? [])
        {
            _vsis.Remove(id);
            Version++;
        }
    }

    /// <summary>
    /// ECP gave up on one of our VDPDUs (no acknowledgement after R resends): its VSIs that still wait
    /// for that request's answer show TimedOut at once. They keep waiting to the end of the response
    /// wait all the same (the request may have arrived and only the ACKs been lost, so a late answer is
    /// still taken), and are resent then: a bridge deaf to ECP is asked no faster than a silent one. A
    /// withdrawn VSI is forgotten: the bridge lets it expire anyway.
    /// </summary>
    public void Unacknowledged(ReadOnlySpan<byte> payload)
    {
        if (!VdpCodec.TryParse(payload, out VdpMessage message, out _))
        {
            return;   // not one of ours: we only ever send what VdpCodec.Encode wrote
        }
        foreach (VsiTlv tlv in message.Vsis)
        {
            if (!_vsis.TryGetValue(tlv.VsiId, out StationVsi? vsi) || !vsi.Awaiting || vsi.SentType != tlv.Type)
            {
                continue;
            }
            if (vsi.Withdrawn)
            {
                _vsis.Remove(vsi.Spec.Id);
                Version++;
                continue;
            }
            vsi.Reason = "not acknowledged by the bridge (ECP gave up)";
            SetState(vsi, StationVsiState.TimedOut);
        }
    }

    /// <summary>
    /// The bridge is gone (its EVB TLV aged out or was withdrawn), and with it whatever it held for us:
    /// withdrawn VSIs are forgotten, every other one is wanted afresh (Pending, its own VID), to be sent
    /// when a bridge is heard again.
    /// </summary>
    public void Restart()
    {
        foreach (StationVsi vsi in _vsis.Values.ToList())
        {
            if (vsi.Withdrawn)
            {
                _vsis.Remove(vsi.Spec.Id);
            }
            else
            {
                _vsis[vsi.Spec.Id] = new StationVsi(vsi.Spec) { State = StationVsiState.Pending, NextSend = TimeSpan.Zero };
            }
            Version++;
        }
    }

    /// <summary>A VDPDU from the bridge as ECP delivered it; false (counted) when malformed.</summary>
    public bool Receive(ReadOnlySpan<byte> payload, TimeSpan now)
    {
        if (!VdpCodec.TryParse(payload, out VdpMessage message, out _))
        {
            Counters.Received++;
            Counters.Malformed++;
            return false;
        }
        Receive(message, now);
        return true;
    }

    public void Receive(VdpMessage message, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(message);
        Counters.Received++;
        foreach (VsiTlv tlv in message.Vsis)
        {
            if (message.ManagerId is not VdpManagerId manager || !_vsis.TryGetValue(tlv.VsiId, out StationVsi? vsi) || !Matches(vsi, manager, tlv))
            {
                Counters.Ignored++;
            }
            else if (!tlv.Status.IsResponse)
            {
                // A bridge's own request can only be a De-Associate; anything else without the bit lldpad ignores.
                if (tlv.Type == VdpRequest.DeAssociate && !vsi.Withdrawn)
                {
                    DeassociatedByBridge(vsi, now, "de-associated by the bridge");
                }
                else
                {
                    Counters.Ignored++;
                }
            }
            else if (!vsi.Awaiting || (vsi.SentType == VdpRequest.DeAssociate && tlv.Type != VdpRequest.DeAssociate))
            {
                Counters.Ignored++;   // late, duplicated, or the answer to a request since superseded
            }
            else
            {
                TakeAnswer(vsi, tlv, now);
            }
        }
    }

    private void TakeAnswer(StationVsi vsi, VsiTlv tlv, TimeSpan now)
    {
        Counters.Answers++;
        vsi.Awaiting = false;
        vsi.LastAnswerAt = now;
        vsi.LastStatus = tlv.Status;
        if (vsi.Withdrawn)
        {
            _vsis.Remove(vsi.Spec.Id);
            Version++;
            return;
        }
        VdpError error = tlv.Status.Error;
        if (error != VdpError.None)
        {
            Counters.Refusals++;
            if (tlv.Status.Keep && vsi.State is StationVsiState.Associated or StationVsiState.PreAssociated)
            {
                // The bridge refused a change but kept what it had agreed to: carry on as before.
                vsi.Reason = $"change refused, association kept: {VdpStatus.Describe(error)}";
                vsi.NextSend = now + KeepAliveInterval;
                return;
            }
            vsi.Failures++;
            vsi.Reason = $"refused by the bridge: {VdpStatus.Describe(error)}";
            vsi.NextSend = now + Backoff(vsi.Failures);
            SetVid(vsi, 0);
            SetState(vsi, StationVsiState.Refused);
            return;
        }
        if (tlv.Type == VdpRequest.DeAssociate)
        {
            DeassociatedByBridge(vsi, now, "answered with a De-Associate");
            return;
        }
        vsi.Failures = 0;
        vsi.Reason = "";
        vsi.NextSend = now + KeepAliveInterval;
        if (vsi.Spec.Vid == 0)
        {
            SetVid(vsi, tlv.Filters[0].Vid);
        }
        SetState(vsi, tlv.Type == VdpRequest.Associate ? StationVsiState.Associated : StationVsiState.PreAssociated);
    }

    /// <summary>No answer came to the request in flight within the response wait; false when the VSI was withdrawn and is to be forgotten.</summary>
    private bool NoAnswer(StationVsi vsi, TimeSpan now)
    {
        vsi.Awaiting = false;
        Counters.Timeouts++;
        if (vsi.Withdrawn)
        {
            return false;   // the bridge lets the VSI expire without keep-alives anyway
        }
        vsi.Failures++;
        vsi.Reason = $"no answer within {ResponseWait.TotalSeconds:0.##} s";
        SetState(vsi, StationVsiState.TimedOut);
        vsi.NextSend = now;
        return true;
    }

    private void DeassociatedByBridge(StationVsi vsi, TimeSpan now, string reason)
    {
        Counters.BridgeDeassociations++;
        vsi.Awaiting = false;
        vsi.Failures++;
        vsi.Reason = reason;
        vsi.NextSend = now + Backoff(vsi.Failures);
        SetVid(vsi, 0);
        SetState(vsi, StationVsiState.Deassociated);
    }

    // lldpad matches an answer to its VSI by manager, type, version, VSIID and filter format, then the
    // entries: same MAC, and the same VID unless it sent 0.
    private static bool Matches(StationVsi vsi, VdpManagerId manager, VsiTlv tlv)
    {
        VsiRequestSpec spec = vsi.Spec;
        if (manager != spec.Manager || tlv.TypeId != spec.TypeId || tlv.TypeVersion != spec.TypeVersion
            || tlv.FilterFormat != VdpFilterFormat.MacVid || tlv.Filters.Count != 1 || tlv.Filters[0].Mac != spec.Mac)
        {
            return false;
        }
        return vsi.Vid == 0 || tlv.Filters[0].Vid == vsi.Vid;
    }

    private static VdpMessage Request(StationVsi vsi)
    {
        VsiRequestSpec spec = vsi.Spec;
        vsi.SentType = vsi.Withdrawn ? VdpRequest.DeAssociate : spec.Mode;
        var tlv = new VsiTlv(vsi.SentType, VdpStatus.Request(spec.Hint), spec.TypeId, spec.TypeVersion, spec.Id,
            VdpFilterFormat.MacVid, [VdpFilter.ForMac(spec.Mac, vsi.Vid)]);
        return new VdpMessage(spec.Manager, [tlv]);
    }

    private TimeSpan Backoff(int failures) => RetryBackoff * (1 << Math.Clamp(failures - 1, 0, MaxBackoffDoublings));

    private void SetState(StationVsi vsi, StationVsiState state)
    {
        if (vsi.State != state)
        {
            vsi.State = state;
            Version++;
        }
    }

    private void SetVid(StationVsi vsi, int vid)
    {
        if (vsi.AssignedVid != vid)
        {
            vsi.AssignedVid = vid;
            Version++;
        }
    }

    private static TimeSpan Positive(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
        return value;
    }
}
