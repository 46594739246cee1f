// The Registrar state table, 802.1Q-2018 Table 10-4, for a Normal registrar: one row per event, one
// cell per state in the standard's column order (IN, LV, MT). Fixed and Forbidden registrars do not
// run it (MrpParticipant handles them: they ignore what is heard).
using static Hairpin.Bridge.Core.Mrp.RegistrarAction;
using static Hairpin.Bridge.Core.Mrp.RegistrarState;

namespace Hairpin.Bridge.Core.Mrp;

internal static class RegistrarTable
{
    internal readonly record struct Cell(RegistrarState Next, RegistrarAction Action = None);

    public static Cell Step(RegistrarState state, MrpEvent mrpEvent) => mrpEvent switch
    {
        // Cells: IN, LV, MT.
        MrpEvent.Begin => Row(state, new(Mt), new(Mt, StopLeaveTimer), new(Mt)),
        MrpEvent.RNew => Row(state, new(In, NewIndication), new(In, NewIndication | StopLeaveTimer), new(In, NewIndication)),
        MrpEvent.RJoinIn or MrpEvent.RJoinMt => Row(state, new(In), new(In, StopLeaveTimer), new(In, JoinIndication)),
        MrpEvent.RLv or MrpEvent.RLA or MrpEvent.TxLA or MrpEvent.Redeclare => Row(state, new(Lv, StartLeaveTimer), new(Lv), new(Mt)),
        MrpEvent.Flush => Row(state, new(Mt, LeaveIndication), new(Mt, LeaveIndication | StopLeaveTimer), new(Mt)),
        MrpEvent.LeaveTimer => Row(state, new(In), new(Mt, LeaveIndication), new(Mt)),
        // rIn!, rMt!, the local requests, tx!, periodic!: the Registrar does not take them.
        _ => new Cell(state),
    };

    /// <summary>Events that declare the attribute to this registrar (those that can register it).</summary>
    public static bool Registers(MrpEvent mrpEvent) => mrpEvent is MrpEvent.RNew or MrpEvent.RJoinIn or MrpEvent.RJoinMt;

    private static Cell Row(RegistrarState state, Cell inCell, Cell leavingCell, Cell emptyCell) => state switch
    {
        In => inCell,
        Lv => leavingCell,
        _ => emptyCell,
    };
}
