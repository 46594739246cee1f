// What a program puts on the shared forwarding thread (ForwardingLoop): the appliance its bridge
// engine, the dumb vswitch its VEPA switch and EVB station. The loop owns the thread, the ports' I/O,
// sleeping, waking, gathering and stopping; the stage owns what happens to a frame and the control
// path between batches. Every member is called from the forwarding thread only.
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Forwarding;

public interface IForwardingStage
{
    /// <summary>
    /// One batch of received frames, each in a pooled buffer with its ingress port set. The stage owns
    /// every buffer from here: it releases it to the pool or queues it for <see cref="Transmit"/>.
    /// </summary>
    void Process(Span<FrameBuffer> batch);

    /// <summary>
    /// Hands what the stage queued for each port to <paramref name="io"/> (after every turn, batch or
    /// not). True when frames stay queued because a stream port is backed up: the loop looks again soon.
    /// </summary>
    bool Transmit(PortIo io);

    /// <summary>
    /// The control path, before every batch however busy: timers, a bounded share of management work.
    /// True when work is left over: the loop comes back at once rather than sleeping.
    /// </summary>
    bool ServeControl();

    /// <summary>How long an idle loop may sleep before the stage's next timer (<see cref="Timeout.InfiniteTimeSpan"/>: none).</summary>
    TimeSpan UntilNextTimer();

    /// <summary>The loop was asked to stop: the stage may start its leave-taking (forwarding goes on while <see cref="IsStopping"/>).</summary>
    void BeginStop();

    /// <summary>True while the stage's leave-taking still needs the loop to forward (waiting for answers, bounded by the stage).</summary>
    bool IsStopping { get; }

    /// <summary>The last words (a goodbye, TTL 0): queued or sent now; the loop transmits once more and lets the ports go.</summary>
    void Stopped();
}
