// The protocol events of 802.1Q-2018 10.7.5 that drive the Applicant and Registrar tables: local
// requests (New!, Join!, Lv!), received messages (r...!), transmit opportunities (tx!, txLA!, txLAF!)
// and timers. Named as the standard writes them, without the exclamation mark.
namespace Hairpin.Bridge.Core.Mrp;

internal enum MrpEvent : byte
{
    Begin,
    New,
    Join,
    Lv,
    RNew,
    RJoinIn,
    RIn,
    RJoinMt,
    RMt,
    RLv,
    RLA,
    Redeclare,
    Periodic,
    Tx,
    TxLA,
    /// <summary>A transmit opportunity with LeaveAll when the PDU cannot carry every message: never raised here (an MvrpMessage has no size limit; the codec splits frames).</summary>
    TxLAF,
    Flush,
    LeaveTimer,
}
