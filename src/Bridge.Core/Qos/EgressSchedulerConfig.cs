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
    /// <summary>Most frames one class queue holds (also capped by the engine's EgressQueueCapacity); about Linux's txqueuelen.</summary>
    public int QueueDepthFrames { get; init; } = 1_024;
    public int QueueDepthBytes { get; init; } = 1_024 * 1_518;
    /// <summary>Port shaper rate in bytes per second; 0 means unshaped.</summary>
    public long ShaperBytesPerSecond { get; init; }
    public long ShaperBurstBytes { get; init; } = 16 * 1518;
    /// <summary>Bytes a weight of 1 earns per DWRR round (at least one maximum frame).</summary>
    public int QuantumBytes { get; init; } = 1518;

    public IEnumerable<string> Validate()
    {
        if (Weights.Count != Classes || Weights.Any(weight => weight < 1))
        {
            yield return "eight DWRR weights of at least 1 are needed";
        }
        if (StrictFromClass is < 1 or > Classes)
        {
            yield return $"strict-from-class {StrictFromClass} must be 1..8 (8: no strict classes)";
        }
        if (QueueDepthFrames < 1 || QueueDepthBytes < 64)
        {
            yield return $"queue depth {QueueDepthFrames} frames / {QueueDepthBytes} bytes is too small";
        }
        if (ShaperBytesPerSecond < 0 || ShaperBurstBytes < 64)
        {
            yield return $"shaper {ShaperBytesPerSecond} B/s with a {ShaperBurstBytes}-byte burst: the rate cannot be negative and the burst must hold a frame";
        }
        if (QuantumBytes < 64)
        {
            yield return $"quantum {QuantumBytes} bytes is smaller than a frame";
        }
    }

    /// <summary>Same settings (records compare the weight list by reference, so compare it by value here).</summary>
    public bool SameAs(EgressSchedulerConfig other) =>
        Weights.SequenceEqual(other.Weights) && this with { Weights = other.Weights } == other;
}
