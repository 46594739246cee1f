// Two ECP endpoints back to back on a manual clock: each payload is wrapped in a real control frame
// (padded to 60 bytes) and unwrapped on the other side, and any frame may be lost on the way.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

internal sealed class EcpLink(EcpEndpoint station, EcpEndpoint bridge, Func<bool>? lose = null)
{
    private static readonly MacAddress[] Macs = [new(0x0200_0000_5A01UL), new(0x0200_0000_B001UL)];
    private readonly EcpEndpoint[] _ends = [station, bridge];
    private readonly Queue<(int To, byte[] Frame)> _inFlight = new();

    public TimeSpan Now { get; private set; }
    public List<byte[]> StationDelivered { get; } = [];
    public List<byte[]> BridgeDelivered { get; } = [];
    public List<byte[]> StationGivenUp { get; } = [];
    public List<byte[]> BridgeGivenUp { get; } = [];
    public int FramesLost { get; private set; }

    /// <summary>Runs both ends, jumping the clock from deadline to deadline, until neither has work.</summary>
    public void RunUntilIdle(int maxRounds = 100_000)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            for (int side = 0; side < 2; side++)
            {
                var transmit = new List<byte[]>();
                _ends[side].Tick(Now, transmit, side == 0 ? StationGivenUp : BridgeGivenUp);
                Send(side, transmit);
            }
            while (_inFlight.TryDequeue(out var item))
            {
                Assert.True(ControlFrame.TryRead(item.Frame, out _, out ushort etherType, out ReadOnlySpan<byte> payload));
                Assert.Equal(EtherTypes.Ecp, etherType);
                var transmit = new List<byte[]>();
                _ends[item.To].Receive(payload, Now, transmit, item.To == 0 ? StationDelivered : BridgeDelivered);
                Send(item.To, transmit);
            }
            TimeSpan next = _ends[0].NextDeadline < _ends[1].NextDeadline ? _ends[0].NextDeadline : _ends[1].NextDeadline;
            if (next == TimeSpan.MaxValue)
            {
                return;
            }
            Now = next > Now ? next : Now;
        }
        Assert.Fail($"the link never went idle in {maxRounds} rounds");
    }

    private void Send(int from, List<byte[]> payloads)
    {
        foreach (byte[] payload in payloads)
        {
            if (lose?.Invoke() == true)
            {
                FramesLost++;
                continue;
            }
            _inFlight.Enqueue((1 - from, ControlFrame.Build(Macs[from], EtherTypes.Ecp, payload)));
        }
    }
}
