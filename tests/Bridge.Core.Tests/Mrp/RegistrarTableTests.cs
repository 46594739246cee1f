// Every cell of 802.1Q-2018 Table 10-4 (the Registrar) for a Normal registrar, written out from the
// standard: a cell is "actions:next" ("-" for no transition); the actions are the indications to the
// MAP (New, Join, Lv) and the leave timer started or stopped.
using Hairpin.Bridge.Core.Mrp;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public sealed class RegistrarTableTests
{
    private static readonly string[] Columns = ["IN", "LV", "MT"];

    private static readonly string[] Grid =
    [
        // event       IN                 LV                       MT
        "Begin!        MT                 stop:MT                  MT",
        "rNew!         New:IN             New+stop:IN              New:IN",
        "rJoinIn!      -                  stop:IN                  Join:IN",
        "rJoinMt!      -                  stop:IN                  Join:IN",
        "rIn!          -                  -                        -",
        "rMt!          -                  -                        -",
        "rLv!          start:LV           -                        -",
        "rLA!          start:LV           -                        -",
        "txLA!         start:LV           -                        -",
        "Re-declare!   start:LV           -                        -",
        "Flush!        Lv:MT              Lv+stop:MT               -",
        "leavetimer!   -                  Lv:MT                    -",
    ];

    public static TheoryData<string, string, string, string> Cells()
    {
        var cells = new TheoryData<string, string, string, string>();
        foreach (string line in Grid)
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int column = 0; column < Columns.Length; column++)
            {
                cells.Add($"Table 10-4 {Columns[column]} / {fields[0]}", Columns[column], fields[0], fields[column + 1]);
            }
        }
        return cells;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void CellMatchesTheStandard(string cellName, string state, string mrpEvent, string expected)
    {
        RegistrarState from = state switch { "IN" => RegistrarState.In, "LV" => RegistrarState.Lv, _ => RegistrarState.Mt };
        string[] parts = expected.Split(':');
        string expectedActions = parts.Length == 2 ? parts[0] : "";
        string expectedNext = parts[^1] == "-" ? state : parts[^1];

        RegistrarTable.Cell cell = RegistrarTable.Step(from, ParseEvent(mrpEvent));

        Assert.True(string.Equals(expectedNext, cell.Next.ToString(), StringComparison.OrdinalIgnoreCase), $"{cellName}: next {cell.Next}, the standard says {expectedNext}");
        Assert.True(expectedActions == Notation(cell.Action), $"{cellName}: actions '{Notation(cell.Action)}', the standard says '{expectedActions}'");
    }

    [Fact]
    public void LocalEventsAndTransmitOpportunitiesLeaveTheRegistrarAlone()
    {
        foreach (RegistrarState state in Enum.GetValues<RegistrarState>())
        {
            foreach (MrpEvent mrpEvent in new[] { MrpEvent.New, MrpEvent.Join, MrpEvent.Lv, MrpEvent.Periodic, MrpEvent.Tx, MrpEvent.TxLAF })
            {
                Assert.Equal(new RegistrarTable.Cell(state), RegistrarTable.Step(state, mrpEvent));
            }
        }
    }

    private static MrpEvent ParseEvent(string name) => name switch
    {
        "Begin!" => MrpEvent.Begin,
        "rNew!" => MrpEvent.RNew,
        "rJoinIn!" => MrpEvent.RJoinIn,
        "rJoinMt!" => MrpEvent.RJoinMt,
        "rIn!" => MrpEvent.RIn,
        "rMt!" => MrpEvent.RMt,
        "rLv!" => MrpEvent.RLv,
        "rLA!" => MrpEvent.RLA,
        "txLA!" => MrpEvent.TxLA,
        "Re-declare!" => MrpEvent.Redeclare,
        "Flush!" => MrpEvent.Flush,
        "leavetimer!" => MrpEvent.LeaveTimer,
        _ => throw new ArgumentException($"not a Table 10-4 event: {name}", nameof(name)),
    };

    private static string Notation(RegistrarAction action)
    {
        var words = new List<string>();
        if ((action & RegistrarAction.NewIndication) != 0) { words.Add("New"); }
        if ((action & RegistrarAction.JoinIndication) != 0) { words.Add("Join"); }
        if ((action & RegistrarAction.LeaveIndication) != 0) { words.Add("Lv"); }
        if ((action & RegistrarAction.StartLeaveTimer) != 0) { words.Add("start"); }
        if ((action & RegistrarAction.StopLeaveTimer) != 0) { words.Add("stop"); }
        return string.Join('+', words);
    }
}
