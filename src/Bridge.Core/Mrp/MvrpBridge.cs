// The MVRP application's MAP context for a bridge (802.1Q-2018 10.3, 11.2.5): what is registered on one
// port is declared on every other, and what the bridge needs itself is declared on all. Owns the
// ports' participants; pure like them: messages and `now` in, messages and the next deadline out.
namespace Hairpin.Bridge.Core.Mrp;

/// <summary>
/// declared(p) = local VIDs ∪ (registered(q) for every other MVRP port q). A registration learned from a
/// New is propagated as a new declaration (Join with isNew, 11.2.5), so the far side flushes and
/// relearns at once; when a VID's last reason to be declared on a port goes, the port Leaves it.
/// Each New heard on a port, and each New the MAP passes on to a port, asks for that port's learned
/// entries in that VID to go (<see cref="TakeFlushes"/>, 11.2.5).
/// A port's participant starts at <see cref="LinkUp"/> (Begin!, then what the port should declare);
/// until then, and after <see cref="LinkDown"/>, what it would send is dropped.
/// Not thread-safe: one thread calls everything, and <see cref="Tick"/> by <see cref="NextDeadline"/>.
/// </summary>
public sealed class MvrpBridge
{
    private const int VidSlots = MrpParticipant.MaxVid + 1;

    private readonly MrpParticipant?[] _participants;
    private readonly bool[][] _registered;   // per port, as the indications said
    private readonly bool[][] _declared;     // per port, what this bridge asked the participant to declare
    private readonly bool[] _up;
    private readonly int[] _registeredPorts = new int[VidSlots];
    private readonly bool[] _local = new bool[VidSlots];
    private readonly List<MrpIndication> _indications = [];
    private readonly List<MvrpMessage> _messages = [];
    private readonly List<VidFlush> _flushes = [];

    public MvrpBridge(int ports)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ports);
        _participants = new MrpParticipant?[ports];
        _up = new bool[ports];
        _registered = new bool[ports][];
        _declared = new bool[ports][];
        for (int port = 0; port < ports; port++)
        {
            _registered[port] = new bool[VidSlots];
            _declared[port] = new bool[VidSlots];
        }
    }

    public int PortCount => _participants.Length;

    /// <summary>True after a port's registration set changed, until <see cref="TakeMembershipChange"/>.</summary>
    public bool MembershipChanged { get; private set; }

    /// <summary>When <see cref="Tick"/> next has work (the earliest participant deadline); MaxValue without ports.</summary>
    public TimeSpan NextDeadline
    {
        get
        {
            TimeSpan next = TimeSpan.MaxValue;
            foreach (MrpParticipant? participant in _participants)
            {
                if (participant is not null && participant.NextDeadline < next)
                {
                    next = participant.NextDeadline;
                }
            }
            return next;
        }
    }

    /// <summary>Whether <paramref name="port"/> runs: between <see cref="LinkUp"/> and <see cref="LinkDown"/>.</summary>
    public bool IsUp(int port) => _up[CheckPort(port)];

    /// <summary>Makes <paramref name="port"/> an MVRP port; its participant runs from <see cref="LinkUp"/>.</summary>
    public void AddPort(int port, MrpParticipant participant)
    {
        CheckPort(port);
        ArgumentNullException.ThrowIfNull(participant);
        if (_participants[port] is not null)
        {
            throw new InvalidOperationException($"port {port} already has an MVRP participant");
        }
        _participants[port] = participant;
    }

    public MrpParticipant? Participant(int port) => _participants[CheckPort(port)];

    /// <summary>The VIDs registered on <paramref name="port"/>, increasing.</summary>
    public IReadOnlyCollection<int> RegisteredOn(int port)
    {
        bool[] registered = _registered[CheckPort(port)];
        var vids = new List<int>();
        for (int vid = MrpParticipant.MinVid; vid <= MrpParticipant.MaxVid; vid++)
        {
            if (registered[vid])
            {
                vids.Add(vid);
            }
        }
        return vids;
    }

    /// <summary>True once after any port's registrations changed: the host republishes VLAN membership then.</summary>
    public bool TakeMembershipChange()
    {
        bool changed = MembershipChanged;
        MembershipChanged = false;
        return changed;
    }

    /// <summary>
    /// Moves the FDB flushes that News asked for since the last call to <paramref name="into"/>, in the
    /// order they were asked: the port that heard the New first, then each port it was passed on to.
    /// </summary>
    public void TakeFlushes(List<VidFlush> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.AddRange(_flushes);
        _flushes.Clear();
    }

    /// <summary>What this bridge needs itself: declared on every MVRP port; a VID dropped here is left where nothing else needs it.</summary>
    public void SetLocalVids(IEnumerable<int> vids, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(vids);
        var wanted = new bool[VidSlots];
        foreach (int vid in vids)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(vid, MrpParticipant.MinVid);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(vid, MrpParticipant.MaxVid);
            wanted[vid] = true;
        }
        for (int vid = MrpParticipant.MinVid; vid <= MrpParticipant.MaxVid; vid++)
        {
            if (wanted[vid] != _local[vid])
            {
                _local[vid] = wanted[vid];
                Propagate(vid, from: -1, isNew: false, now);
            }
        }
    }

    public void ReceiveMessage(int port, MvrpMessage message, TimeSpan now)
    {
        MrpParticipant participant = _participants[CheckPort(port)] ?? throw new InvalidOperationException($"port {port} is not an MVRP port");
        if (!_up[port])
        {
            return;   // a link that is down hears nothing; a frame racing the link-down event is dropped
        }
        _indications.Clear();
        participant.ReceiveMessage(message, now, _indications);
        Handle(port, now);
    }

    /// <summary>Runs every participant's due work; what they send goes to <paramref name="toSend"/> with its port.</summary>
    public void Tick(TimeSpan now, List<(int Port, MvrpMessage Message)> toSend)
    {
        ArgumentNullException.ThrowIfNull(toSend);
        // A registration one port reports can make another port's transmission due at this same instant:
        // go round again (bounded: each port transmits at most once per JoinTime).
        for (int round = 0; round < 4; round++)
        {
            bool ran = false;
            for (int port = 0; port < _participants.Length; port++)
            {
                MrpParticipant? participant = _participants[port];
                if (participant is null || participant.NextDeadline > now)
                {
                    continue;
                }
                ran = true;
                _indications.Clear();
                _messages.Clear();
                participant.Tick(now, _messages, _indications);
                if (_up[port])
                {
                    foreach (MvrpMessage message in _messages)
                    {
                        toSend.Add((port, message));
                    }
                }
                Handle(port, now);
            }
            if (!ran)
            {
                return;
            }
        }
    }

    /// <summary>The port's link came up: Begin! on its participant, then it declares what it should.</summary>
    public void LinkUp(int port, TimeSpan now)
    {
        MrpParticipant participant = _participants[CheckPort(port)] ?? throw new InvalidOperationException($"port {port} is not an MVRP port");
        participant.Begin(now);   // registrations it drops come back as Leave indications at its next Tick
        _up[port] = true;
        bool[] declared = _declared[port];
        Array.Clear(declared);
        for (int vid = MrpParticipant.MinVid; vid <= MrpParticipant.MaxVid; vid++)
        {
            if (ShouldDeclare(port, vid))
            {
                declared[vid] = true;
                participant.Join(vid, isNew: false, now);
            }
        }
    }

    /// <summary>
    /// The port's link went down: its registrations go at once (as Leave indications at its next Tick,
    /// so the other ports stop declaring them after their own leave), and it sends nothing until
    /// <see cref="LinkUp"/>.
    /// </summary>
    public void LinkDown(int port, TimeSpan now)
    {
        MrpParticipant participant = _participants[CheckPort(port)] ?? throw new InvalidOperationException($"port {port} is not an MVRP port");
        _up[port] = false;
        participant.Begin(now);
        Array.Clear(_declared[port]);
    }

    private void Handle(int port, TimeSpan now)
    {
        bool[] registered = _registered[port];
        foreach (MrpIndication indication in _indications)
        {
            int vid = indication.Vid;
            if (indication.IsNew)
            {
                _flushes.Add(new VidFlush(port, indication.Vid, Heard: true));   // MAD_Join.indication with new: the neighbour's topology changed
            }
            if (indication.Join != registered[vid])
            {
                registered[vid] = indication.Join;
                _registeredPorts[vid] += indication.Join ? 1 : -1;
                MembershipChanged = true;
                Propagate(vid, port, indication.IsNew, now);
            }
            else if (indication.IsNew)
            {
                Propagate(vid, port, isNew: true, now);   // re-registered by a New: pass the New on
            }
        }
    }

    // Brings every port's declaration of `vid` in line with the rule; `from` is the port whose
    // registration changed (-1 for a local change), which the change itself never re-declares.
    private void Propagate(int vid, int from, bool isNew, TimeSpan now)
    {
        for (int port = 0; port < _participants.Length; port++)
        {
            MrpParticipant? participant = _participants[port];
            if (participant is null)
            {
                continue;
            }
            bool should = ShouldDeclare(port, vid);
            bool[] declared = _declared[port];
            if (should && (!declared[vid] || (isNew && port != from)))
            {
                declared[vid] = true;
                bool passesNewOn = isNew && port != from;
                participant.Join(vid, passesNewOn, now);
                if (passesNewOn)
                {
                    _flushes.Add(new VidFlush(port, (ushort)vid, Heard: false));   // MAD_Join.request with new: 11.2.5 flushes this port too
                }
            }
            else if (!should && declared[vid])
            {
                declared[vid] = false;
                participant.Leave(vid, now);
            }
        }
    }

    private bool ShouldDeclare(int port, int vid) =>
        _local[vid] || _registeredPorts[vid] - (_registered[port][vid] ? 1 : 0) > 0;

    private int CheckPort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(port, _participants.Length);
        return port;
    }
}
