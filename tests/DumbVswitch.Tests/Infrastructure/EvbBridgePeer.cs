// Hairpin's own bridge role (EvbBridgePort) on the far end of a running vswitch's in-memory uplink:
// a pump on real time takes what the vswitch sends up, gives LLDP and ECP to the bridge port and keeps
// the rest, and injects the bridge's frames back down. Read its state through Read (under its lock).
using System.Collections.Concurrent;
using System.Diagnostics;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class EvbBridgePeer : IAsyncDisposable
{
    public static readonly MacAddress BridgeMac = MacAddress.Parse("02:00:00:00:b0:01");

    private readonly MemoryTransport _uplink;
    private readonly EvbBridgePort _bridge;
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    /// <param name="policy">Null: VSI type 42 on VLAN 10 and type 7 on VLAN 20, others refused.</param>
    public EvbBridgePeer(MemoryTransport uplink, IVsiPolicy? policy = null)
    {
        _uplink = uplink;
        _bridge = new EvbBridgePort(BridgeMac, new EvbSettings(),
            policy ?? new VsiTypeTable([new VsiTypeEntry(42, null, 10), new VsiTypeEntry(7, null, 20)]));
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>What the vswitch sent up that is not LLDP or ECP: the VMs' traffic.</summary>
    public ConcurrentQueue<byte[]> Data { get; } = new();
    public ConcurrentQueue<VsiDecision> Decisions { get; } = new();
    /// <summary>Every control frame in and out, "MS in|out HEX" (its first 40 bytes after the addresses), for failure messages.</summary>
    public ConcurrentQueue<string> Trace { get; } = new();

    /// <summary>When true, the bridge hears nothing and says nothing (a bridge that went away).</summary>
    public bool Silent { get; set; }

    public T Read<T>(Func<EvbBridgePort, T> read)
    {
        lock (_lock)
        {
            return read(_bridge);
        }
    }

    private async Task PumpAsync()
    {
        var decisions = new List<VsiDecision>();
        while (!_stop.IsCancellationRequested)
        {
            var transmit = new List<byte[]>();
            lock (_lock)
            {
                TimeSpan now = _clock.Elapsed;
                while (_uplink.Sent.TryDequeue(out byte[]? frame))
                {
                    if (!ControlFrame.TryRead(frame, out _, out ushort etherType, out _) || etherType is not (EtherTypes.Lldp or EtherTypes.Ecp))
                    {
                        Data.Enqueue(frame);
                    }
                    else if (!Silent)
                    {
                        Trace.Enqueue($"{now.TotalMilliseconds:0.0} in {Convert.ToHexString(frame, 12, Math.Min(40, frame.Length - 12))}");
                        _bridge.Receive(frame, now, transmit, decisions);
                    }
                }
                if (!Silent)
                {
                    _bridge.Tick(now, transmit, decisions);
                }
            }
            foreach (VsiDecision decision in decisions)
            {
                Decisions.Enqueue(decision);
            }
            decisions.Clear();
            foreach (byte[] frame in transmit)
            {
                Trace.Enqueue($"{_clock.Elapsed.TotalMilliseconds:0.0} out {Convert.ToHexString(frame, 12, Math.Min(40, frame.Length - 12))}");
                await _uplink.InjectAsync(frame).ConfigureAwait(false);
            }
            try
            {
                await Task.Delay(5, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        _stop.Dispose();
    }
}
