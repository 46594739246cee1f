// One port's MVRP Full Participant (802.1Q-2018 10.6, 10.7; clause 11): an Applicant and a Registrar
// per VID, the LeaveAll and PeriodicTransmission machines and the join timer that paces transmit
// opportunities. Pure: messages and `now` in, messages, indications and the next deadline out; the
// frame step (MvrpPdu) wraps it.
namespace Hairpin.Bridge.Core.Mrp;

/// <summary>
/// The per-VID machines live in arrays indexed by VID (1..4094). A VID whose Applicant is VO and whose
/// Registrar is empty (and not fixed) is treated as having no state machine yet, as an implementation
/// that creates attributes on first use would: LeaveAll (sent or heard) and Re-declare! pass it by, so
/// a LeaveAll does not make the port send Mt for all 4094 VIDs. A message that names the VID creates it.
/// <para>
/// Transmit opportunities: a request (an Applicant entering a state whose tx! sends, or the LeaveAll
/// timer expiring) is answered at once on a point-to-point link, but never sooner than JoinTime after
/// the previous opportunity: one per JoinTime, inside 802.1Q's "no more than three in 1.5 x JoinTime"
/// (10.7.4.1). On shared media the opportunity comes at a random time in [0, JoinTime).
/// </para>
/// Not thread-safe: the owner of the port calls everything from one thread, and <see cref="Tick"/> by
/// <see cref="NextDeadline"/>.
/// </summary>
public sealed class MrpParticipant
{
    public const int MinVid = 1;
    public const int MaxVid = 4094;

    private readonly MrpTimers _timers;
    private readonly Random _random;
    private readonly int _maxDynamicVids;
    private readonly ApplicantState[] _applicant = new ApplicantState[MaxVid + 1];
    private readonly RegistrarState[] _registrar = new RegistrarState[MaxVid + 1];
    private readonly TimeSpan[] _leaveDeadline = new TimeSpan[MaxVid + 1];
    private readonly bool[] _fixed = new bool[MaxVid + 1];
    private readonly List<MrpIndication> _pending = [];   // raised outside Receive/Tick (Begin, SetFixed)
    private int _dynamicRegistered;                        // IN or LV in the Normal registrar
    private TimeSpan _earliestLeave = TimeSpan.MaxValue;   // a lower bound: Tick rescans when it passes
    private TimeSpan? _transmitDue;
    private TimeSpan? _lastTransmit;
    private bool _leaveAllActive;
    private TimeSpan _leaveAllDeadline = TimeSpan.MaxValue;
    private TimeSpan _periodicDeadline = TimeSpan.MaxValue;

    /// <param name="maxDynamicVids">How many VIDs the Normal registrar may hold registered (0..4094); declarations beyond are refused.</param>
    /// <param name="random">Draws the LeaveAll period and, on shared media, the join timer.</param>
    public MrpParticipant(MrpTimers timers, RegistrarMode mode, int maxDynamicVids, Random random)
    {
        ArgumentNullException.ThrowIfNull(timers);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDynamicVids);
        if (timers.Join <= TimeSpan.Zero)
        {
            throw new ArgumentException("the join time paces transmissions and must be positive", nameof(timers));
        }
        _timers = timers;
        Mode = mode;
        _maxDynamicVids = Math.Min(maxDynamicVids, MaxVid);
        _random = random;
        Array.Fill(_registrar, RegistrarState.Mt);
        Array.Fill(_leaveDeadline, TimeSpan.MaxValue);
    }

    public RegistrarMode Mode { get; }

    /// <summary>operPointToPointMAC: true (the default) on a full-duplex link to one neighbour, as a hypervisor port is.</summary>
    public bool PointToPoint { get; init; } = true;

    public MrpCounters Counters { get; } = new();

    /// <summary>When the next transmit opportunity comes, if one is requested.</summary>
    public TimeSpan? NextTransmit => _transmitDue;

    /// <summary>When the LeaveAll timer next expires (null before <see cref="Begin"/> or with LeaveAll off).</summary>
    public TimeSpan? NextLeaveAll => _leaveAllDeadline == TimeSpan.MaxValue ? null : _leaveAllDeadline;

    /// <summary>When <see cref="Tick"/> next has work; MaxValue when nothing is due. It may lie in the past.</summary>
    public TimeSpan NextDeadline
    {
        get
        {
            if (_pending.Count > 0)
            {
                return TimeSpan.Zero;
            }
            TimeSpan next = _transmitDue ?? TimeSpan.MaxValue;
            next = Min(next, _earliestLeave);
            next = Min(next, _leaveAllDeadline);
            return Min(next, _periodicDeadline);
        }
    }

    public IEnumerable<int> DeclaredVids
    {
        get
        {
            for (int vid = MinVid; vid <= MaxVid; vid++)
            {
                if (ApplicantTable.Declares(_applicant[vid]))
                {
                    yield return vid;
                }
            }
        }
    }

    public IEnumerable<int> RegisteredVids
    {
        get
        {
            for (int vid = MinVid; vid <= MaxVid; vid++)
            {
                if (Registered(vid))
                {
                    yield return vid;
                }
            }
        }
    }

    public ApplicantState ApplicantOf(int vid) => _applicant[CheckVid(vid)];

    /// <summary>The registrar as the port reports it: a Fixed port's fixed VIDs are IN, a Forbidden port's VIDs MT.</summary>
    public RegistrarState RegistrarOf(int vid)
    {
        CheckVid(vid);
        return Mode switch
        {
            RegistrarMode.Normal => _registrar[vid],
            RegistrarMode.Fixed => _fixed[vid] ? RegistrarState.In : RegistrarState.Mt,
            _ => RegistrarState.Mt,
        };
    }

    public bool Declares(int vid) => ApplicantTable.Declares(_applicant[CheckVid(vid)]);

    /// <summary>Registered: IN or LV (the leave timer still running), or fixed on a Fixed port.</summary>
    public bool IsRegistered(int vid) => Registered(CheckVid(vid));

    /// <summary>How long the VID's leave timer has left, if it runs.</summary>
    public TimeSpan? LeaveTimerOf(int vid, TimeSpan now)
    {
        TimeSpan deadline = _leaveDeadline[CheckVid(vid)];
        return deadline == TimeSpan.MaxValue ? null : deadline > now ? deadline - now : TimeSpan.Zero;
    }

    /// <summary>
    /// Begin!: every Applicant VO, every Registrar MT, LeaveAll passive with its timer started, periodic
    /// transmission started. Registrations this drops are reported as Leave indications at the next Tick
    /// (the standard's Begin! is silent; the MAP must still hear of them).
    /// </summary>
    public void Begin(TimeSpan now)
    {
        bool[] before = RegisteredSnapshot();
        Array.Fill(_applicant, ApplicantState.VO);
        Array.Fill(_registrar, RegistrarState.Mt);
        Array.Fill(_leaveDeadline, TimeSpan.MaxValue);
        _earliestLeave = TimeSpan.MaxValue;
        _dynamicRegistered = 0;
        _transmitDue = null;
        _lastTransmit = null;
        _leaveAllActive = false;
        _leaveAllDeadline = DrawLeaveAll(now);
        _periodicDeadline = _timers.Periodic > TimeSpan.Zero ? now + _timers.Periodic : TimeSpan.MaxValue;
        QueueChanges(before);
    }

    /// <summary>The VIDs a Fixed port holds registered; changes are reported as indications at the next Tick.</summary>
    public void SetFixed(IEnumerable<int> vids)
    {
        ArgumentNullException.ThrowIfNull(vids);
        bool[] before = RegisteredSnapshot();
        Array.Clear(_fixed);
        foreach (int vid in vids)
        {
            _fixed[CheckVid(vid)] = true;
        }
        QueueChanges(before);
    }

    /// <summary>MAD_Join.request: declare the VID (New! when <paramref name="isNew"/>, else Join!).</summary>
    public void Join(int vid, bool isNew, TimeSpan now) => Apply(CheckVid(vid), isNew ? MrpEvent.New : MrpEvent.Join, now);

    /// <summary>MAD_Leave.request: withdraw the declaration (Lv!).</summary>
    public void Leave(int vid, TimeSpan now) => Apply(CheckVid(vid), MrpEvent.Lv, now);

    /// <summary>Takes one received MVRP message: its LeaveAll first (rLA!), then each VID's event.</summary>
    public void ReceiveMessage(MvrpMessage message, TimeSpan now, List<MrpIndication> indications)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(indications);
        FlushPending(indications);
        Counters.MessagesReceived++;
        if (message.LeaveAll)
        {
            Counters.LeaveAllReceived++;
            // Table 10-5: rLA! makes the LeaveAll machine passive and restarts its timer; someone else just did our job.
            _leaveAllActive = false;
            _leaveAllDeadline = DrawLeaveAll(now);
            for (int vid = MinVid; vid <= MaxVid; vid++)
            {
                if (Tracked(vid))
                {
                    Apply(vid, MrpEvent.RLA, now);
                    Register(vid, MrpEvent.RLA, now, indications);
                }
            }
        }
        foreach (VidEvent vidEvent in message.Events)
        {
            int vid = vidEvent.Vid;
            if (vid is < MinVid or > MaxVid || vidEvent.Event > MrpAttributeEvent.Lv)
            {
                continue;   // the codec refuses these; a hand-built message must not index out of range
            }
            Counters.CountReceived(vidEvent.Event);
            MrpEvent received = Received(vidEvent.Event);
            Apply(vid, received, now);
            Register(vid, received, now, indications);
        }
    }

    /// <summary>
    /// Runs what is due at <paramref name="now"/>: leave timers, periodic!, the LeaveAll timer, then the
    /// transmit opportunity, whose message (VIDs increasing, each once) goes to <paramref name="toSend"/>.
    /// </summary>
    public void Tick(TimeSpan now, List<MvrpMessage> toSend, List<MrpIndication> indications)
    {
        ArgumentNullException.ThrowIfNull(toSend);
        ArgumentNullException.ThrowIfNull(indications);
        FlushPending(indications);
        if (now >= _earliestLeave)
        {
            ExpireLeaveTimers(now, indications);
        }
        if (now >= _periodicDeadline)
        {
            // Table 10-6: periodic! to every Applicant (only QA and QP move: to AA and AP), then the timer again.
            for (int vid = MinVid; vid <= MaxVid; vid++)
            {
                if (_applicant[vid] is ApplicantState.QA or ApplicantState.QP)
                {
                    Apply(vid, MrpEvent.Periodic, now);
                }
            }
            _periodicDeadline = Later(_periodicDeadline, _timers.Periodic, now);
        }
        if (now >= _leaveAllDeadline)
        {
            // Table 10-5: leavealltimer! makes the machine active; its LeaveAll rides the next transmission.
            _leaveAllActive = true;
            _leaveAllDeadline = DrawLeaveAll(now);
            RequestTransmit(now);
        }
        if (_transmitDue is { } due && now >= due)
        {
            _transmitDue = null;
            _lastTransmit = now;
            Transmit(now, toSend);
        }
    }

    private void Transmit(TimeSpan now, List<MvrpMessage> toSend)
    {
        bool leaveAll = _leaveAllActive;
        MrpEvent opportunity = leaveAll ? MrpEvent.TxLA : MrpEvent.Tx;
        var message = new MvrpMessage { LeaveAll = leaveAll };
        for (int vid = MinVid; vid <= MaxVid; vid++)
        {
            if (leaveAll ? !Tracked(vid) : _applicant[vid] == ApplicantState.VO)
            {
                continue;   // tx! in VO sends nothing and changes nothing
            }
            bool registeredIn = RegistrarOf(vid) == RegistrarState.In;   // the view this message reports, before txLA! empties it
            ApplicantTable.Cell cell = ApplicantTable.Step(_applicant[vid], opportunity, PointToPoint);
            MrpAttributeEvent? send = cell.Action switch
            {
                ApplicantAction.SendNew => MrpAttributeEvent.New,
                ApplicantAction.SendJoin => registeredIn ? MrpAttributeEvent.JoinIn : MrpAttributeEvent.JoinMt,
                ApplicantAction.SendLeave => MrpAttributeEvent.Lv,
                ApplicantAction.SendInOrEmpty => registeredIn ? MrpAttributeEvent.In : MrpAttributeEvent.Mt,
                _ => null,
            };
            if (send is { } attributeEvent)
            {
                message.Events.Add(new VidEvent((ushort)vid, attributeEvent));
                Counters.CountSent(attributeEvent);
            }
            Enter(vid, cell.Next, now);
            if (leaveAll)
            {
                // txLA!: this participant's own registrations time out too, unless re-declared.
                Register(vid, MrpEvent.TxLA, now, _pending);
            }
        }
        if (leaveAll)
        {
            _leaveAllActive = false;   // Table 10-5: sLA, back to passive
            Counters.LeaveAllSent++;
        }
        if (leaveAll || message.Events.Count > 0)
        {
            Counters.MessagesSent++;
            toSend.Add(message);
        }
    }

    private void Apply(int vid, MrpEvent mrpEvent, TimeSpan now) =>
        Enter(vid, ApplicantTable.Step(_applicant[vid], mrpEvent, PointToPoint).Next, now);

    private void Enter(int vid, ApplicantState next, TimeSpan now)
    {
        _applicant[vid] = next;
        if (ApplicantTable.WantsTransmit(next))
        {
            RequestTransmit(now);
        }
    }

    // The Registrar's side of an event, with the port's administrative control in front of Table 10-4.
    private void Register(int vid, MrpEvent mrpEvent, TimeSpan now, List<MrpIndication> indications)
    {
        bool declaration = RegistrarTable.Registers(mrpEvent);
        if (Mode != RegistrarMode.Normal)
        {
            if (declaration && !(Mode == RegistrarMode.Fixed && _fixed[vid]))
            {
                Counters.DeclarationsIgnored++;
            }
            return;
        }
        RegistrarState state = _registrar[vid];
        if (declaration && state == RegistrarState.Mt && _dynamicRegistered >= _maxDynamicVids)
        {
            Counters.RegistrationsRefused++;
            return;
        }
        RegistrarTable.Cell cell = RegistrarTable.Step(state, mrpEvent);
        _registrar[vid] = cell.Next;
        bool wasRegistered = state != RegistrarState.Mt;
        bool isRegistered = cell.Next != RegistrarState.Mt;
        _dynamicRegistered += (isRegistered ? 1 : 0) - (wasRegistered ? 1 : 0);
        if ((cell.Action & RegistrarAction.StartLeaveTimer) != 0)
        {
            TimeSpan deadline = now + _timers.Leave;
            _leaveDeadline[vid] = deadline;
            _earliestLeave = Min(_earliestLeave, deadline);
        }
        if ((cell.Action & RegistrarAction.StopLeaveTimer) != 0 || !isRegistered)
        {
            _leaveDeadline[vid] = TimeSpan.MaxValue;   // _earliestLeave stays a lower bound
        }
        if ((cell.Action & RegistrarAction.NewIndication) != 0)
        {
            indications.Add(new MrpIndication((ushort)vid, Join: true, IsNew: true));
        }
        else if ((cell.Action & RegistrarAction.JoinIndication) != 0)
        {
            indications.Add(new MrpIndication((ushort)vid, Join: true, IsNew: false));
        }
        else if ((cell.Action & RegistrarAction.LeaveIndication) != 0)
        {
            indications.Add(new MrpIndication((ushort)vid, Join: false, IsNew: false));
        }
    }

    private void ExpireLeaveTimers(TimeSpan now, List<MrpIndication> indications)
    {
        TimeSpan earliest = TimeSpan.MaxValue;
        for (int vid = MinVid; vid <= MaxVid; vid++)
        {
            TimeSpan deadline = _leaveDeadline[vid];
            if (deadline <= now)
            {
                _leaveDeadline[vid] = TimeSpan.MaxValue;
                Register(vid, MrpEvent.LeaveTimer, now, indications);
            }
            else
            {
                earliest = Min(earliest, deadline);
            }
        }
        _earliestLeave = earliest;
    }

    private void RequestTransmit(TimeSpan now)
    {
        if (_transmitDue is not null)
        {
            return;
        }
        if (PointToPoint)
        {
            TimeSpan earliest = _lastTransmit is { } last ? last + _timers.Join : now;
            _transmitDue = earliest > now ? earliest : now;
        }
        else
        {
            _transmitDue = now + Fraction(_timers.Join, _random.NextDouble());
        }
    }

    // LeaveAllTime plus up to half again (10.7.4.3), so neighbours' LeaveAlls do not fall in step.
    private TimeSpan DrawLeaveAll(TimeSpan now) =>
        _timers.LeaveAll > TimeSpan.Zero ? now + _timers.LeaveAll + Fraction(_timers.LeaveAll, 0.5 * _random.NextDouble()) : TimeSpan.MaxValue;

    // Truncated, not rounded as TimeSpan's * would: a draw in [0, 1) stays below the whole span.
    private static TimeSpan Fraction(TimeSpan span, double fraction) => TimeSpan.FromTicks((long)(span.Ticks * fraction));

    private bool Tracked(int vid) => _applicant[vid] != ApplicantState.VO || Registered(vid);

    private bool Registered(int vid) => Mode switch
    {
        RegistrarMode.Normal => _registrar[vid] != RegistrarState.Mt,
        RegistrarMode.Fixed => _fixed[vid],
        _ => false,
    };

    private bool[] RegisteredSnapshot()
    {
        var snapshot = new bool[MaxVid + 1];
        for (int vid = MinVid; vid <= MaxVid; vid++)
        {
            snapshot[vid] = Registered(vid);
        }
        return snapshot;
    }

    private void QueueChanges(bool[] before)
    {
        for (int vid = MinVid; vid <= MaxVid; vid++)
        {
            bool now = Registered(vid);
            if (now != before[vid])
            {
                _pending.Add(new MrpIndication((ushort)vid, Join: now, IsNew: false));
            }
        }
    }

    private void FlushPending(List<MrpIndication> indications)
    {
        if (_pending.Count > 0)
        {
            indications.AddRange(_pending);
            _pending.Clear();
        }
    }

    private static MrpEvent Received(MrpAttributeEvent attributeEvent) => attributeEvent switch
    {
        MrpAttributeEvent.New => MrpEvent.RNew,
        MrpAttributeEvent.JoinIn => MrpEvent.RJoinIn,
        MrpAttributeEvent.In => MrpEvent.RIn,
        MrpAttributeEvent.JoinMt => MrpEvent.RJoinMt,
        MrpAttributeEvent.Mt => MrpEvent.RMt,
        _ => MrpEvent.RLv,
    };

    // The next period after `deadline`, or a whole period from now if Tick came late.
    private static TimeSpan Later(TimeSpan deadline, TimeSpan period, TimeSpan now)
    {
        TimeSpan next = deadline + period;
        return next > now ? next : now + period;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static int CheckVid(int vid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vid, MinVid);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vid, MaxVid);
        return vid;
    }
}
