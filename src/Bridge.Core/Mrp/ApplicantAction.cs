// What the Applicant sends at a transmit opportunity (802.1Q-2018 10.7.6.2-10.7.6.5). The optional
// forms (Table 10-3's bracketed [s] and [sJ]) are sent only to help the encoding; this participant
// never sends them: a message carries exactly the VIDs that must be sent.
namespace Hairpin.Bridge.Core.Mrp;

internal enum ApplicantAction : byte
{
    None,
    /// <summary>sN: send New.</summary>
    SendNew,
    /// <summary>sJ: send JoinIn if this participant's registrar holds the attribute, else JoinMt.</summary>
    SendJoin,
    /// <summary>[sJ]: a Join only if it helps the encoding.</summary>
    SendJoinOptional,
    /// <summary>sL: send Lv.</summary>
    SendLeave,
    /// <summary>s: send In if this participant's registrar holds the attribute, else Mt.</summary>
    SendInOrEmpty,
    /// <summary>[s]: an In or Mt only if it helps the encoding.</summary>
    SendInOrEmptyOptional,
}
