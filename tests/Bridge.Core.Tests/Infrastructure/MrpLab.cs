// A manual clock and wires for MRP tests: participants and MVRP bridges joined back to back, their
// messages handed straight across (the PDU codec is tested on its own), run deadline to deadline.
using Hairpin.Bridge.Core.Mrp;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

/// <summary>Two participants on one link. Indications and sent messages are recorded per side.</summary>
internal sealed class MrpPair
{
    public MrpPair(MrpTimers? timers = null, int seed = 1)
    {
        timers ??= MrpTimers.Default;
        A = new MrpParticipant(timers, RegistrarMode.Normal, MrpParticipant.MaxVid, new Random(seed));
        B = new MrpParticipant(timers, RegistrarMode.Normal, MrpParticipant.MaxVid, new Random(seed + 1000));
        A.Begin(Now);
        B.Begin(Now);
    }

    public MrpParticipant A { get; }
    public MrpParticipant B { get; }
    public TimeSpan Now { get; private set; }
    public List<(TimeSpan At, MrpIndication Indication)> IndicationsAtA { get; } = [];
    public List<(TimeSpan At, MrpIndication Indication)> IndicationsAtB { get; } = [];
    public List<(TimeSpan At, MvrpMessage Message)> SentByA { get; } = [];
    public List<(TimeSpan At, MvrpMessage Message)> SentByB { get; } = [];

    public void RunFor(TimeSpan span) => RunUntil(Now + span);

    /// <summary>Ticks both sides at every deadline up to <paramref name="until"/>, delivering what each sends.</summary>
    public void RunUntil(TimeSpan until)
    {
        for (int steps = 0; steps < 1_000_000; steps++)
        {
            TimeSpan next = A.NextDeadline < B.NextDeadline ? A.NextDeadline : B.NextDeadline;
            if (next > until)
            {
                Now = until;
                return;
            }
            if (next > Now)
            {
                Now = next;
            }
            Step(A, B, SentByA, IndicationsAtA, IndicationsAtB);
            Step(B, A, SentByB, IndicationsAtB, IndicationsAtA);
        }
        throw new InvalidOperationException("the MRP pair never went quiet");
    }

    private void Step(MrpParticipant from, MrpParticipant to, List<(TimeSpan, MvrpMessage)> sent,
        List<(TimeSpan, MrpIndication)> fromIndications, List<(TimeSpan, MrpIndication)> toIndications)
    {
        var messages = new List<MvrpMessage>();
        var indications = new List<MrpIndication>();
        from.Tick(Now, messages, indications);
        Record(fromIndications, indications);
        foreach (MvrpMessage message in messages)
        {
            sent.Add((Now, message));
            indications.Clear();
            to.ReceiveMessage(message, Now, indications);
            Record(toIndications, indications);
        }
    }

    private void Record(List<(TimeSpan, MrpIndication)> log, List<MrpIndication> indications)
    {
        foreach (MrpIndication indication in indications)
        {
            log.Add((Now, indication));
        }
    }
}

/// <summary>MVRP bridges whose ports are wired to each other; an unwired port's messages are lost.</summary>
internal sealed class MvrpLab
{
    private readonly Dictionary<(int Bridge, int Port), (int Bridge, int Port)> _wires = [];

    public List<MvrpBridge> Bridges { get; } = [];
    public TimeSpan Now { get; private set; }

    /// <summary>Adds a bridge whose every port has a participant with the default timers, links up.</summary>
    public MvrpBridge AddBridge(int ports, int seed, RegistrarMode mode = RegistrarMode.Normal)
    {
        var bridge = new MvrpBridge(ports);
        for (int port = 0; port < ports; port++)
        {
            bridge.AddPort(port, new MrpParticipant(MrpTimers.Default, mode, MrpParticipant.MaxVid, new Random(seed * 100 + port)));
            bridge.LinkUp(port, Now);
        }
        Bridges.Add(bridge);
        return bridge;
    }

    public void Wire(MvrpBridge a, int portA, MvrpBridge b, int portB)
    {
        _wires[(Bridges.IndexOf(a), portA)] = (Bridges.IndexOf(b), portB);
        _wires[(Bridges.IndexOf(b), portB)] = (Bridges.IndexOf(a), portA);
    }

    public void RunFor(TimeSpan span) => RunUntil(Now + span);

    public void RunUntil(TimeSpan until)
    {
        var toSend = new List<(int Port, MvrpMessage Message)>();
        for (int steps = 0; steps < 1_000_000; steps++)
        {
            TimeSpan next = Bridges.Min(b => b.NextDeadline);
            if (next > until)
            {
                Now = until;
                return;
            }
            if (next > Now)
            {
                Now = next;
            }
            for (int index = 0; index < Bridges.Count; index++)
            {
                toSend.Clear();
                Bridges[index].Tick(Now, toSend);
                foreach ((int port, MvrpMessage message) in toSend)
                {
                    if (_wires.TryGetValue((index, port), out var peer))
                    {
                        Bridges[peer.Bridge].ReceiveMessage(peer.Port, message, Now);
                    }
                }
            }
        }
        throw new InvalidOperationException("the MVRP lab never went quiet");
    }
}
