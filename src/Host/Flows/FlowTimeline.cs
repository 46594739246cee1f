// Flow times travel in the engine's TimeProvider ticks; IPFIX wants milliseconds since the Unix epoch
// (flowStartMilliseconds, flowEndMilliseconds). One reading of both clocks, taken when export starts,
// maps one onto the other, so a flow's times move with the monotonic clock, never with wall-clock steps.
namespace Hairpin.Host.Flows;

internal readonly record struct FlowTimeline(long AnchorTicks, long AnchorUnixMilliseconds, long TicksPerSecond)
{
    public static FlowTimeline Now(TimeProvider time) =>
        new(time.GetTimestamp(), time.GetUtcNow().ToUnixTimeMilliseconds(), time.TimestampFrequency);

    public ulong UnixMilliseconds(long ticks) =>
        (ulong)(AnchorUnixMilliseconds + (long)((Int128)(ticks - AnchorTicks) * 1000 / TicksPerSecond));
}
