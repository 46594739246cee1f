// MRP's timers (802.1Q 10.7.4, Table 10-7), configurable per bridge: join (the transmit opportunity
// after a change), leave (how long a registrar holds a withdrawn registration), LeaveAll (with up to
// 50 % jitter so neighbours do not send theirs in step) and periodic transmission.
namespace Hairpin.Bridge.Core.Mrp;

public sealed record MrpTimers
{
    public static MrpTimers Default { get; } = new();

    /// <summary>JoinTime: 200 ms.</summary>
    public TimeSpan Join { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>LeaveTime: 802.1Q allows 600 ms to 1 s; 1 s, as the standard's default.</summary>
    public TimeSpan Leave { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>LeaveAllTime: 10 s, each period drawn in [LeaveAll, 1.5 x LeaveAll).</summary>
    public TimeSpan LeaveAll { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Periodic transmission: 1 s; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan Periodic { get; init; } = TimeSpan.FromSeconds(1);
}
