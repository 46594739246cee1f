// Two LLDP agents back to back on a manual clock, for the LLDP/EVB tests: a PDU one sends reaches the
// other at the same instant, through a real control frame (padding and all), and every PDU is logged.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

/// <summary>One PDU on the wire: when, from whom, and the LLDP payload as sent.</summary>
public sealed record SentPdu(TimeSpan At, LldpAgent From, byte[] Payload)
{
    public LldpPdu Decoded => LldpCodec.TryDecode(Payload, out LldpPdu? pdu, out string reason)
        ? pdu : throw new InvalidOperationException($"the agent sent a malformed PDU: {reason}");
}

public sealed class LldpWire(LldpAgent bridge, LldpAgent station)
{
    private const int MaxSteps = 1_000_000;

    public LldpAgent Bridge { get; } = bridge;
    public LldpAgent Station { get; } = station;
    public TimeSpan Now { get; private set; }
    public List<SentPdu> Log { get; } = [];

    /// <summary>A side that is down is not ticked and hears nothing (lldpad not started, or the VM gone).</summary>
    public bool BridgeUp { get; set; } = true;
    public bool StationUp { get; set; } = true;

    /// <summary>Runs both agents deadline by deadline up to <paramref name="end"/>, delivering what they send.</summary>
    public void RunUntil(TimeSpan end)
    {
        for (int step = 0; step < MaxSteps; step++)
        {
            TimeSpan next = TimeSpan.MaxValue;
            if (BridgeUp && Bridge.NextDeadline < next)
            {
                next = Bridge.NextDeadline;
            }
            if (StationUp && Station.NextDeadline < next)
            {
                next = Station.NextDeadline;
            }
            if (next > end)
            {
                Now = end;
                return;
            }
            if (next > Now)
            {
                Now = next;
            }
            Step(Bridge, BridgeUp, Station, StationUp);
            Step(Station, StationUp, Bridge, BridgeUp);
        }
        throw new InvalidOperationException($"the agents did not settle by {Now}");
    }

    /// <summary>The EVB bodies one side sent, in order, as hex (e.g. "0200685414").</summary>
    public List<string> EvbSentBy(LldpAgent agent) =>
        [.. Log.Where(pdu => pdu.From == agent).Select(pdu => Convert.ToHexStringLower(pdu.Decoded.Evb!.Value.ToBytes()))];

    private void Step(LldpAgent from, bool fromUp, LldpAgent to, bool toUp)
    {
        if (!fromUp)
        {
            return;
        }
        var sent = new List<byte[]>();
        from.Tick(Now, sent);
        foreach (byte[] payload in sent)
        {
            Log.Add(new SentPdu(Now, from, payload));
            if (toUp)
            {
                byte[] frame = ControlFrame.Build(from.PortMac, EtherTypes.Lldp, payload);
                ControlFrame.TryRead(frame, out MacAddress source, out _, out ReadOnlySpan<byte> received);
                to.Receive(received, source, Now);
            }
        }
    }
}
