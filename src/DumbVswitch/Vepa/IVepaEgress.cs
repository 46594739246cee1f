// Where the VEPA switch puts the frames it decides to send: the caller's queues (one ring of pooled
// buffers per port in the runtime, QueueEgress; recorders in tests). The frame span is only valid
// during the call: copy it, never keep it.
namespace Hairpin.DumbVswitch.Vepa;

public interface IVepaEgress
{
    EgressOutcome SendToUplink(ReadOnlySpan<byte> frame);

    EgressOutcome SendToVm(int vm, ReadOnlySpan<byte> frame);
}

/// <summary>What became of one copy handed to an <see cref="IVepaEgress"/>; the switch counts it.</summary>
public enum EgressOutcome : byte
{
    /// <summary>Taken: sent, or queued for the port (whose own losses after that are its LinkCounters' tx-*).</summary>
    Sent,
    /// <summary>The port's queue was full.</summary>
    QueueFull,
    /// <summary>The port's peer is not there.</summary>
    PortDown,
    /// <summary>No frame buffer was free to hold the copy.</summary>
    PoolExhausted,
}
