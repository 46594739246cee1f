// The states of a Registrar (802.1Q-2018 10.7.8, Table 10-4): registered, registered but timing out
// after a Leave or LeaveAll, not registered.
namespace Hairpin.Bridge.Core.Mrp;

public enum RegistrarState : byte
{
    /// <summary>Registered: a neighbour declares the attribute.</summary>
    In,
    /// <summary>Still registered while the leave timer runs; a Join before it expires keeps the registration.</summary>
    Lv,
    /// <summary>Empty: not registered.</summary>
    Mt,
}
