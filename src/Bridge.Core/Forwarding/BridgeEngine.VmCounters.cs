// Per-VM counters by (port, VLAN, MAC) (`vm_counters`, Counters/HostTrafficTable.cs): a frame is
// counted received by its source host once the engine is done with it (dropped or not, if it got as
// far as a VLAN), and each unicast copy sent by its destination host as it is queued (EnqueueStage).
// Off (the default), a frame pays one test; a changed limit starts the counts afresh.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private HostTrafficTable? _hostTraffic;

    /// <summary>Forwarding thread: each counted host's traffic, then the overflow bucket if used; empty when `vm_counters` is off.</summary>
    public List<HostTraffic> VmTraffic() => _hostTraffic?.Snapshot() ?? [];

    /// <summary>The limit of hosts counted, 0 when off.</summary>
    public int VmCountersLimit => _hostTraffic?.Capacity ?? 0;

    private void CountVms(int limit)
    {
        if (limit == (_hostTraffic?.Capacity ?? 0))
        {
            return;
        }
        _hostTraffic = limit > 0 ? new HostTrafficTable(limit) : null;
        _enqueue.Hosts = _hostTraffic;
    }

    /// <summary>The receive path, then the frame counted to its source host (read first: a dropped frame's buffer is back in the pool after).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReceiveCountingHost<TMode>(ref FrameContext context, ForwardingPlan plan, HostTrafficTable hosts)
        where TMode : struct, IReceiveMode
    {
        ReadOnlySpan<byte> bytes = context.Frame.Span;
        int length = bytes.Length;
        MacAddress source = bytes.Length >= 12 ? MacAddress.Read(bytes[6..]) : MacAddress.Zero;
        int port = context.Port;
        Receive<TMode>(ref context, plan);
        if (!TMode.Tracing && context.Vid != 0 && !source.IsGroup)
        {
            hosts.Received(port, context.Vid, source, length, context.Fate == DispositionKind.Dropped, context.Second);
        }
    }
}
