// The reference bridge's per-port counters (bench/Reference), kept in one array of structs: counting
// a frame is an increment through a ref, the least a bridge can do to account for it.
namespace Hairpin.Benchmarks.Reference;

/// <summary>The reference bridge's counters for one port.</summary>
internal struct PortTally
{
    public long RxFrames;
    public long RxBytes;
    public long TxFrames;
    public long TxBytes;
    public long Dropped;
}
