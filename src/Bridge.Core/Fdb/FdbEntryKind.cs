// How an FDB entry came to be, which decides whether it ages and whether it may move.
namespace Hairpin.Bridge.Core.Fdb;

public enum FdbEntryKind : byte
{
    /// <summary>Learned from a source address; ages out, moves when the MAC shows up elsewhere.</summary>
    Learned,
    /// <summary>Learned or added, but never moves to another port (Linux `sticky`); still ages.</summary>
    Sticky,
    /// <summary>Added by the operator; never ages, never moves (Linux `static`).</summary>
    Static,
}
