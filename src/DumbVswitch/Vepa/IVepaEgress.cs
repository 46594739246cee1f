// Where the VEPA switch puts the frames it decides to send: the caller's queues (PortQueues in the
// runtime, recorders in tests). The frame span is only valid during the call: copy it, never keep it.
namespace Hairpin.DumbVswitch.Vepa;

public interface IVepaEgress
{
    EgressOutcome SendToUplink(ReadOnlySpan<byte> frame);

    EgressOutcome SendToVm(int vm, ReadOnlySpan<byte> frame);
}

/// <summary>What became of one copy handed to an <see cref="IVepaEgress"/>; the switch counts it.</summary>
public enum EgressOutcome : byte
{
    Sent,
    QueueFull,
    PortDown,
}
