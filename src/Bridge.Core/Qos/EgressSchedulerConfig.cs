// One port's egress queueing: eight traffic-class queues, the top ones strict priority, the rest
// sharing bandwidth by weight (802.1Qaz ETS style), and an optional port shaper.
namespace Hairpin.Bridge.Core.Qos;

public sealed record EgressSchedulerConfig
{
    public const int Classes = 8;

    /// <summary>Classes at or above this are strict priority (highest first); below it, DWRR. Default: 6 and 7.</summary>
    public int StrictFromClass { get; init; } = 6;
    /// <summary>DWRR weights (bandwidth shares) of classes 0..7; strict classes ignore theirs.</summary>
    public IReadOnlyList<int> Weights { get; init; } = [1, 1, 1, 1, 1, 1, 1, 1];
    public int QueueDepthFrames { get; init; } = 256;
    public int QueueDepthBytes { get; init; } = 256 * 1518;
    /// <summary>Port shaper rate in bytes per second; 0 means unshaped.</summary>
    public long ShaperBytesPerSecond { get; init; }
    public long ShaperBurstBytes { get; init; } = 16 * 1518;
    /// <summary>Bytes a weight of 1 earns per DWRR round (at least one maximum frame).</summary>
    public int QuantumBytes { get; init; } = 1518;
}
