// A FrameDevice double for PortQueues tests: each Send answers what the test set (sent, refused, gone)
// and the frames it took are kept in Taken. Real devices are tested against the kernel.
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Infrastructure;

internal sealed class FakeFrameDevice : FrameByFrameDevice
{
    public List<byte[]> Taken { get; } = [];
    public Sent Answer { get; set; } = FrameDevice.Sent.Sent;

    public override int Descriptor => -1;

    public override Received TryReceive(out ReadOnlySpan<byte> frame)
    {
        frame = default;
        return Received.Idle;
    }

    public override Sent Send(ReadOnlySpan<byte> frame)
    {
        if (Answer == FrameDevice.Sent.Sent)
        {
            Taken.Add(frame.ToArray());
        }
        return Answer;
    }

    public override void Dispose()
    {
    }
}
