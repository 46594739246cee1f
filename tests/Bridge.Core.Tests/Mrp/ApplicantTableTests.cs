// Every cell of 802.1Q-2018 Table 10-3 (the Full Participant Applicant), written out here from the
// standard as a grid: a cell is "next" or "action:next", "-" for no transition; [s] and [sJ] are the
// optional sends. Each cell is its own test case, named by its row and column.
using Hairpin.Bridge.Core.Mrp;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public sealed class ApplicantTableTests
{
    private static readonly string[] Columns = ["VO", "VP", "VN", "AN", "AA", "QA", "LA", "AO", "QO", "AP", "QP", "LO"];

    // Shared media (operPointToPointMAC FALSE). Point-to-point differences are in PointToPointCells.
    private static readonly string[] Grid =
    [
        // event       VO        VP       VN       AN       AA       QA       LA       AO       QO       AP       QP       LO
        "Begin!        VO        VO       VO       VO       VO       VO       VO       VO       VO       VO       VO       VO",
        "New!          VN        VN       -        -        VN       VN       VN       VN       VN       VN       VN       VN",
        "Join!         VP        -        -        -        -        -        AA       AP       QP       -        -        VP",
        "Lv!           -         VO       LA       LA       LA       LA       -        -        -        AO       QO       -",
        "rNew!         -         -        -        -        -        -        -        -        -        -        -        -",
        "rJoinIn!      AO        AP       -        -        QA       -        -        QO       -        QP       -        -",
        "rIn!          -         -        -        -        -        -        -        -        -        -        -        -",
        "rJoinMt!      -         -        -        -        -        AA       -        -        AO       -        AP       VO",
        "rMt!          -         -        -        -        -        AA       -        -        AO       -        AP       VO",
        "rLv!          LO        -        -        VN       VP       VP       -        LO       LO       VP       VP       -",
        "rLA!          LO        -        -        VN       VP       VP       -        LO       LO       VP       VP       -",
        "Re-declare!   LO        -        -        VN       VP       VP       -        LO       LO       VP       VP       -",
        "periodic!     -         -        -        -        -        AA       -        -        -        -        AP       -",
        "tx!           [s]:-     sJ:AA    sN:AN    sN:QA    sJ:QA    [sJ]:-   sL:VO    [s]:-    [s]:-    sJ:QA    [s]:-    s:VO",
        "txLA!         [s]:LO    s:AA     sN:AN    sN:QA    sJ:QA    sJ:-     [s]:LO   [s]:LO   [s]:LO   sJ:QA    sJ:QA    [s]:-",
        "txLAF!        LO        -        -        VN       VP       VP       LO       LO       LO       VP       VP       -",
    ];

    // The footnoted cells on a point-to-point link: rJoinIn! leaves VO and VP alone, rIn! quiets AA.
    private static readonly string[] PointToPointCells = ["rJoinIn! VO -", "rJoinIn! VP -", "rIn! AA QA"];

    public static TheoryData<string, string, string, string> Cells(bool pointToPoint)
    {
        var cells = new TheoryData<string, string, string, string>();
        foreach (string line in Grid)
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int column = 0; column < Columns.Length; column++)
            {
                string cell = fields[column + 1];
                if (pointToPoint)
                {
                    string? exception = PointToPointCells.FirstOrDefault(c => c.StartsWith($"{fields[0]} {Columns[column]} ", StringComparison.Ordinal));
                    if (exception is not null)
                    {
                        cell = exception.Split(' ')[2];
                    }
                }
                cells.Add($"Table 10-3 {Columns[column]} / {fields[0]}", Columns[column], fields[0], cell);
            }
        }
        return cells;
    }

    public static TheoryData<string, string, string, string> SharedMediaCells() => Cells(pointToPoint: false);

    public static TheoryData<string, string, string, string> PointToPointMediaCells() => Cells(pointToPoint: true);

    [Theory]
    [MemberData(nameof(SharedMediaCells))]
    public void SharedMediaCellMatchesTheStandard(string cellName, string state, string mrpEvent, string expected) =>
        AssertCell(cellName, state, mrpEvent, expected, pointToPoint: false);

    [Theory]
    [MemberData(nameof(PointToPointMediaCells))]
    public void PointToPointCellMatchesTheStandard(string cellName, string state, string mrpEvent, string expected) =>
        AssertCell(cellName, state, mrpEvent, expected, pointToPoint: true);

    [Fact]
    public void GridCoversEveryStateAndEveryApplicantEvent()
    {
        Assert.Equal(12 * 16, SharedMediaCells().Count);
        Assert.All(Grid, line => Assert.Equal(13, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
    }

    private static void AssertCell(string cellName, string state, string mrpEvent, string expected, bool pointToPoint)
    {
        var from = Enum.Parse<ApplicantState>(state);
        string[] parts = expected.Split(':');
        string expectedAction = parts.Length == 2 ? parts[0] : "";
        string expectedNext = parts[^1] == "-" ? state : parts[^1];

        ApplicantTable.Cell cell = ApplicantTable.Step(from, ParseEvent(mrpEvent), pointToPoint);

        Assert.True(expectedNext == cell.Next.ToString(), $"{cellName}: next {cell.Next}, the standard says {expectedNext}");
        Assert.True(expectedAction == Notation(cell.Action), $"{cellName}: action '{Notation(cell.Action)}', the standard says '{expectedAction}'");
    }

    private static MrpEvent ParseEvent(string name) => name switch
    {
        "Begin!" => MrpEvent.Begin,
        "New!" => MrpEvent.New,
        "Join!" => MrpEvent.Join,
        "Lv!" => MrpEvent.Lv,
        "rNew!" => MrpEvent.RNew,
        "rJoinIn!" => MrpEvent.RJoinIn,
        "rIn!" => MrpEvent.RIn,
        "rJoinMt!" => MrpEvent.RJoinMt,
        "rMt!" => MrpEvent.RMt,
        "rLv!" => MrpEvent.RLv,
        "rLA!" => MrpEvent.RLA,
        "Re-declare!" => MrpEvent.Redeclare,
        "periodic!" => MrpEvent.Periodic,
        "tx!" => MrpEvent.Tx,
        "txLA!" => MrpEvent.TxLA,
        "txLAF!" => MrpEvent.TxLAF,
        _ => throw new ArgumentException($"not a Table 10-3 event: {name}", nameof(name)),
    };

    private static string Notation(ApplicantAction action) => action switch
    {
        ApplicantAction.None => "",
        ApplicantAction.SendNew => "sN",
        ApplicantAction.SendJoin => "sJ",
        ApplicantAction.SendJoinOptional => "[sJ]",
        ApplicantAction.SendLeave => "sL",
        ApplicantAction.SendInOrEmpty => "s",
        ApplicantAction.SendInOrEmptyOptional => "[s]",
        _ => action.ToString(),
    };
}
