// The attribute events an MRPDU carries (802.1Q 10.8.2.8), packed three to a byte as
// ((e1 x 6) + e2) x 6 + e3: each says what the sender's applicant does and what its registrar holds.
namespace Hairpin.Bridge.Core.Mrp;

public enum MrpAttributeEvent : byte
{
    /// <summary>A new declaration: the receiver's registrar flushes and registers at once.</summary>
    New = 0,
    /// <summary>Declaring, and the sender's registrar holds the attribute registered.</summary>
    JoinIn = 1,
    /// <summary>Not declaring; the sender's registrar holds it registered.</summary>
    In = 2,
    /// <summary>Declaring; the sender's registrar does not hold it.</summary>
    JoinMt = 3,
    /// <summary>Not declaring, not registered at the sender.</summary>
    Mt = 4,
    /// <summary>Withdrawing the declaration.</summary>
    Lv = 5,
}
