// What a Registrar transition does (802.1Q-2018 10.7.6.8-10.7.6.10): an indication to the MAP (the
// attribute is newly registered, registered, or gone) and the leave timer started or stopped.
namespace Hairpin.Bridge.Core.Mrp;

[Flags]
internal enum RegistrarAction : byte
{
    None = 0,
    /// <summary>New indication: registered from a New message (the declarer's topology changed).</summary>
    NewIndication = 1,
    /// <summary>Join indication: registered.</summary>
    JoinIndication = 2,
    /// <summary>Lv indication: no longer registered.</summary>
    LeaveIndication = 4,
    StartLeaveTimer = 8,
    StopLeaveTimer = 16,
}
