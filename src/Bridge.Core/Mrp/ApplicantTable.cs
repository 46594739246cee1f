// The Full Participant Applicant state table, 802.1Q-2018 Table 10-3, as data: one row per event,
// one cell per state in the standard's column order (VO VP VN AN AA QA LA AO QO AP QP LO), so the rows
// can be read beside the standard's. A cell is the next state and the send at a transmit opportunity.
using static Hairpin.Bridge.Core.Mrp.ApplicantAction;
using static Hairpin.Bridge.Core.Mrp.ApplicantState;

namespace Hairpin.Bridge.Core.Mrp;

internal static class ApplicantTable
{
    internal readonly record struct Cell(ApplicantState Next, ApplicantAction Action = None);

    private const int StateCount = (int)LO + 1;

    // Rows for the events Table 10-3 has; Flush! and leavetimer! are the Registrar's only.
    private static readonly Cell[][] Rows = BuildRows();

    /// <summary>
    /// The cell for <paramref name="state"/> and <paramref name="mrpEvent"/>. The table's two footnotes
    /// hang on <paramref name="pointToPoint"/> (operPointToPointMAC): rJoinIn! does not move VO or VP on a
    /// point-to-point link (the only other participant's registration was ours), and rIn! moves AA to QA
    /// only there (the one neighbour holding the attribute registered is the confirmation a second Join
    /// would ask for).
    /// </summary>
    public static Cell Step(ApplicantState state, MrpEvent mrpEvent, bool pointToPoint)
    {
        if (mrpEvent is MrpEvent.Flush or MrpEvent.LeaveTimer)
        {
            return new Cell(state);
        }
        if (mrpEvent == MrpEvent.RJoinIn && pointToPoint && state is VO or VP)
        {
            return new Cell(state);
        }
        if (mrpEvent == MrpEvent.RIn && !pointToPoint && state == AA)
        {
            return new Cell(state);
        }
        return Rows[(int)mrpEvent][(int)state];
    }

    /// <summary>States whose tx! cell sends something that is not optional: entering one asks for a transmit opportunity.</summary>
    public static bool WantsTransmit(ApplicantState state) => state is VP or VN or AN or AA or LA or AP or LO;

    /// <summary>States that declare the attribute (a Join or New is, or will be, on the wire for it).</summary>
    public static bool Declares(ApplicantState state) => state is VP or VN or AN or AA or QA or AP or QP;

    private static Cell[][] BuildRows()
    {
        var rows = new Cell[(int)MrpEvent.TxLAF + 1][];
        // Cells in column order: VO, VP, VN, AN, AA, QA, LA, AO, QO, AP, QP, LO.
        rows[(int)MrpEvent.Begin] = Row(new(VO), new(VO), new(VO), new(VO), new(VO), new(VO), new(VO), new(VO), new(VO), new(VO), new(VO), new(VO));
        rows[(int)MrpEvent.New] = Row(new(VN), new(VN), new(VN), new(AN), new(VN), new(VN), new(VN), new(VN), new(VN), new(VN), new(VN), new(VN));
        rows[(int)MrpEvent.Join] = Row(new(VP), new(VP), new(VN), new(AN), new(AA), new(QA), new(AA), new(AP), new(QP), new(AP), new(QP), new(VP));
        rows[(int)MrpEvent.Lv] = Row(new(VO), new(VO), new(LA), new(LA), new(LA), new(LA), new(LA), new(AO), new(QO), new(AO), new(QO), new(LO));
        rows[(int)MrpEvent.RNew] = Unchanged();
        rows[(int)MrpEvent.RJoinIn] = Row(new(AO), new(AP), new(VN), new(AN), new(QA), new(QA), new(LA), new(QO), new(QO), new(QP), new(QP), new(LO));
        rows[(int)MrpEvent.RIn] = Row(new(VO), new(VP), new(VN), new(AN), new(QA), new(QA), new(LA), new(AO), new(QO), new(AP), new(QP), new(LO));
        Cell[] emptyHeard = Row(new(VO), new(VP), new(VN), new(AN), new(AA), new(AA), new(LA), new(AO), new(AO), new(AP), new(AP), new(VO));
        rows[(int)MrpEvent.RJoinMt] = emptyHeard;
        rows[(int)MrpEvent.RMt] = emptyHeard;
        Cell[] redeclare = Row(new(LO), new(VP), new(VN), new(VN), new(VP), new(VP), new(LA), new(LO), new(LO), new(VP), new(VP), new(LO));
        rows[(int)MrpEvent.RLv] = redeclare;
        rows[(int)MrpEvent.RLA] = redeclare;
        rows[(int)MrpEvent.Redeclare] = redeclare;
        rows[(int)MrpEvent.Periodic] = Row(new(VO), new(VP), new(VN), new(AN), new(AA), new(AA), new(LA), new(AO), new(QO), new(AP), new(AP), new(LO));
        rows[(int)MrpEvent.Tx] = Row(
            new(VO, SendInOrEmptyOptional), new(AA, SendJoin), new(AN, SendNew), new(QA, SendNew), new(QA, SendJoin), new(QA, SendJoinOptional),
            new(VO, SendLeave), new(AO, SendInOrEmptyOptional), new(QO, SendInOrEmptyOptional), new(QA, SendJoin), new(QP, SendInOrEmptyOptional), new(VO, SendInOrEmpty));
        rows[(int)MrpEvent.TxLA] = Row(
            new(LO, SendInOrEmptyOptional), new(AA, SendInOrEmpty), new(AN, SendNew), new(QA, SendNew), new(QA, SendJoin), new(QA, SendJoin),
            new(LO, SendInOrEmptyOptional), new(LO, SendInOrEmptyOptional), new(LO, SendInOrEmptyOptional), new(QA, SendJoin), new(QA, SendJoin), new(LO, SendInOrEmptyOptional));
        rows[(int)MrpEvent.TxLAF] = Row(new(LO), new(VP), new(VN), new(VN), new(VP), new(VP), new(LO), new(LO), new(LO), new(VP), new(VP), new(LO));
        return rows;
    }

    private static Cell[] Row(params Cell[] cells)
    {
        if (cells.Length != StateCount)
        {
            throw new InvalidOperationException($"an applicant table row has {StateCount} cells, not {cells.Length}");
        }
        return cells;
    }

    private static Cell[] Unchanged()
    {
        var cells = new Cell[StateCount];
        for (int state = 0; state < StateCount; state++)
        {
            cells[state] = new Cell((ApplicantState)state);
        }
        return cells;
    }
}
