// The LLDP transmit timers of a port's agent (802.1AB-2016 9.2.5), defaulting to what lldpad sends.
namespace Hairpin.Bridge.Core.Qbg.Lldp;

public sealed record LldpSettings
{
    /// <summary>msgTxInterval: the period of ordinary transmissions.</summary>
    public TimeSpan TxInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>msgFastTx: the period while fast-transmitting after a change or a new neighbour.</summary>
    public TimeSpan FastInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>txFastInit: how many PDUs go out at the fast period after a change (lldpad: 4).</summary>
    public int FastCount { get; init; } = 4;
    /// <summary>msgTxHold: the TTL is this many transmit intervals.</summary>
    public int TxHold { get; init; } = 4;

    /// <summary>The TTL sent: TxHold x TxInterval, 120 s by default (lldpad sends exactly that, without 802.1AB's + 1).</summary>
    public int TtlSeconds => (int)Math.Min(ushort.MaxValue, Math.Ceiling(TxInterval.TotalSeconds * TxHold));

    public IEnumerable<string> Validate()
    {
        if (TxInterval <= TimeSpan.Zero || FastInterval <= TimeSpan.Zero)
        {
            yield return "LLDP intervals must be positive";
        }
        if (FastCount < 0)
        {
            yield return "LLDP fast count must not be negative";
        }
        if (TxHold < 1)
        {
            yield return "LLDP tx hold must be at least 1";
        }
    }
}
