// The states of a Full Participant's Applicant (802.1Q-2018 10.7.7, Table 10-3), in the table's
// column order. The first letter says how anxious it is to send (Very anxious, Anxious, Quiet,
// Leaving), the second what it is: a New declarer, an Active or Passive member, or an Observer.
namespace Hairpin.Bridge.Core.Mrp;

public enum ApplicantState : byte
{
    /// <summary>Very anxious Observer: not declaring (the state Begin! leaves every attribute in).</summary>
    VO,
    /// <summary>Very anxious Passive: declaring, nothing sent yet.</summary>
    VP,
    /// <summary>Very anxious New: a new declaration, nothing sent yet.</summary>
    VN,
    /// <summary>Anxious New: one New sent, one more to go.</summary>
    AN,
    /// <summary>Anxious Active: one Join sent, one more to go.</summary>
    AA,
    /// <summary>Quiet Active: declared often enough.</summary>
    QA,
    /// <summary>Leaving Active: a Lv is due.</summary>
    LA,
    /// <summary>Anxious Observer: not declaring; another participant declares.</summary>
    AO,
    /// <summary>Quiet Observer.</summary>
    QO,
    /// <summary>Anxious Passive: declaring, relying on another's declaration so far.</summary>
    AP,
    /// <summary>Quiet Passive.</summary>
    QP,
    /// <summary>Leaving Observer: after a Leave or LeaveAll, an In or Mt is due so the leaver hears this registrar.</summary>
    LO,
}
