// A port's LLDP agent for the Nearest Customer Bridge (802.1AB-2016 clause 9, reduced to one neighbour
// per port as on a hypervisor's link): sends the port's PDU (with the EVB TLV when the port speaks
// 802.1Qbg), keeps the neighbour until its TTL runs out, and hands the neighbour's EVB TLV to the
// port's EvbNegotiation. Pure: PDUs and `now` in, PDUs and the next deadline out (specs/qbg-lldp.md).
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <summary>
/// Transmits at start, then every <see cref="LldpSettings.TxInterval"/>; after a change of its own PDU
/// (an EVB renegotiation included) or a new neighbour, <see cref="LldpSettings.FastCount"/> PDUs at
/// <see cref="LldpSettings.FastInterval"/>, never closer together than that. Not thread-safe: the
/// program that owns the port's socket calls <see cref="Receive"/> and <see cref="Tick"/> from one
/// thread, and calls <see cref="Tick"/> again by <see cref="NextDeadline"/>.
/// </summary>
public sealed class LldpAgent
{
    private readonly LldpId _chassis;
    private readonly LldpId _port;
    private TimeSpan _nextTransmit = TimeSpan.Zero;   // due at the first tick
    private TimeSpan? _lastTransmit;
    private int _fastRemaining;
    private bool _shutDown;
    private (LldpId? Chassis, LldpId? Port, MacAddress Source, EvbTlv? Evb, bool Relay, EvbTimers Timers) _published;

    /// <param name="portMac">The port's MAC: chassis ID and port ID both carry it, as lldpad's do.</param>
    /// <param name="evb">The port's EVB half, if it speaks 802.1Qbg; its TLV rides in every PDU.</param>
    public LldpAgent(MacAddress portMac, LldpSettings settings, EvbNegotiation? evb = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? problem = settings.Validate().FirstOrDefault();
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(settings));
        }
        PortMac = portMac;
        Settings = settings;
        Evb = evb;
        _chassis = LldpId.ChassisMac(portMac);
        _port = LldpId.PortMac(portMac);
        _published = Snapshot();
    }

    public MacAddress PortMac { get; }
    public LldpSettings Settings { get; }
    public EvbNegotiation? Evb { get; }

    /// <summary>The neighbour heard on the link, until its TTL runs out or it says goodbye.</summary>
    public LldpNeighbor? Neighbor { get; private set; }

    /// <summary>Reflective relay as negotiated by EVB: hairpin on for the port. False without EVB.</summary>
    public bool ReflectiveRelay => Evb?.ReflectiveRelay ?? false;

    /// <summary>Moves when the neighbour, its EVB TLV, reflective relay or the operational timers change: the host republishes then.</summary>
    public int StateVersion { get; private set; }

    public long TxFrames { get; private set; }
    /// <summary>Every LLDPDU handed to <see cref="Receive"/>, malformed ones included.</summary>
    public long RxFrames { get; private set; }
    /// <summary>Malformed LLDPDUs, refused whole.</summary>
    public long RxDiscarded { get; private set; }
    /// <summary>TLVs skipped in accepted PDUs (see <see cref="LldpPdu.UnknownTlvCount"/>).</summary>
    public long RxUnknownTlvs { get; private set; }
    public long AgeOuts { get; private set; }
    /// <summary>Why the last discarded PDU was refused.</summary>
    public string? LastDiscardReason { get; private set; }

    /// <summary>
    /// When <see cref="Tick"/> next has work: a transmission or an age-out. It may lie in the past (a PDU
    /// is due at once); MaxValue after <see cref="Shutdown"/>.
    /// </summary>
    public TimeSpan NextDeadline
    {
        get
        {
            if (_shutDown)
            {
                return TimeSpan.MaxValue;
            }
            return Neighbor is { } neighbor && neighbor.ExpiresAt < _nextTransmit ? neighbor.ExpiresAt : _nextTransmit;
        }
    }

    /// <summary>Takes one LLDPDU (the bytes after EtherType 0x88CC, padding allowed) from <paramref name="source"/>.</summary>
    public void Receive(ReadOnlySpan<byte> lldpPayload, MacAddress source, TimeSpan now)
    {
        RxFrames++;
        if (!LldpCodec.TryDecode(lldpPayload, out LldpPdu? pdu, out string reason))
        {
            RxDiscarded++;
            LastDiscardReason = reason;
            return;
        }
        RxUnknownTlvs += pdu.UnknownTlvCount;
        bool known = Neighbor is { } neighbor && neighbor.IsSameNeighbor(pdu);
        if (pdu.TtlSeconds == 0)
        {
            // A shutdown PDU: its sender is leaving; one from a stranger changes nothing.
            if (known)
            {
                Forget();
            }
        }
        else
        {
            Neighbor = new LldpNeighbor(pdu.Chassis, pdu.Port, source, pdu.TtlSeconds, now + TimeSpan.FromSeconds(pdu.TtlSeconds), pdu.Evb);
            if (!known)
            {
                StartFastTransmit();
            }
            Negotiate(pdu.Evb);
        }
        Republish();
    }

    /// <summary>Ages the neighbour out and appends the PDU to send, if one is due, to <paramref name="transmit"/>.</summary>
    public void Tick(TimeSpan now, List<byte[]> transmit)
    {
        ArgumentNullException.ThrowIfNull(transmit);
        if (_shutDown)
        {
            return;
        }
        if (Neighbor is { } neighbor && now >= neighbor.ExpiresAt)
        {
            AgeOuts++;
            Forget();
        }
        if (now >= _nextTransmit)
        {
            transmit.Add(LldpCodec.Encode(new LldpPdu(_chassis, _port, Settings.TtlSeconds, Evb?.Local)));
            TxFrames++;
            _lastTransmit = now;
            if (_fastRemaining > 0)
            {
                _fastRemaining--;
            }
            _nextTransmit = now + (_fastRemaining > 0 ? Settings.FastInterval : Settings.TxInterval);
        }
        Republish();
    }

    /// <summary>
    /// The port's link came up: what was sent while it was down never left, so the neighbour hears us
    /// at once and fast (802.1AB's txFast on a new neighbour), not at the next 30 s period.
    /// </summary>
    public void LinkUp() => StartFastTransmit();

    /// <summary>New local EVB settings; a changed TLV goes out fast. False if the port has no EVB.</summary>
    public bool ReconfigureEvb(EvbSettings settings)
    {
        if (Evb is null)
        {
            return false;
        }
        if (Evb.Reconfigure(settings))
        {
            StartFastTransmit();
        }
        Republish();
        return true;
    }

    /// <summary>The goodbye PDU (TTL 0: the neighbour forgets this port at once). The agent sends nothing after it.</summary>
    public byte[] Shutdown()
    {
        _shutDown = true;
        TxFrames++;
        return LldpCodec.Encode(new LldpPdu(_chassis, _port, 0));
    }

    private void Forget()
    {
        Neighbor = null;
        Negotiate(null);
    }

    private void Negotiate(EvbTlv? remote)
    {
        if (Evb is not null && Evb.OnRemote(remote))
        {
            StartFastTransmit();
        }
    }

    // 802.1AB's txFast: the next PDU as soon as the fast period since the last allows, then more.
    private void StartFastTransmit()
    {
        _fastRemaining = Settings.FastCount;
        TimeSpan earliest = _lastTransmit is { } last ? last + Settings.FastInterval : TimeSpan.Zero;
        if (earliest < _nextTransmit)
        {
            _nextTransmit = earliest;
        }
    }

    private (LldpId?, LldpId?, MacAddress, EvbTlv?, bool, EvbTimers) Snapshot() =>
        (Neighbor?.Chassis, Neighbor?.Port, Neighbor?.Source ?? default, Neighbor?.Evb, ReflectiveRelay, Evb?.Operational ?? default);

    private void Republish()
    {
        var current = Snapshot();
        if (!current.Equals(_published))   // Equals, not ==: IDs compare by value
        {
            _published = current;
            StateVersion++;
        }
    }
}
