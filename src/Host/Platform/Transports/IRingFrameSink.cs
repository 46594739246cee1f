// Where PacketRing hands each received frame: a struct or class the caller passes by reference, so the
// per-frame call is a direct (devirtualized) call and nothing is allocated per frame.
namespace Hairpin.Host.Transports;

internal interface IRingFrameSink
{
    /// <summary>One frame, tag restored; the span points into the ring and is valid only during the call.</summary>
    void Take(ReadOnlySpan<byte> frame);

    /// <summary>A frame larger than a ring block can hold arrived cut short: it is not handed on, only its size.</summary>
    void TakeTooBig(int size);
}
