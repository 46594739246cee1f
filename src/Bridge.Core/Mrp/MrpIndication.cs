// What a participant's registrars tell the MAP (802.1Q-2018 10.2, MAD_Join.indication and
// MAD_Leave.indication): a VID became registered on the port (IsNew when a New registered it, so the
// MAP propagates it as new), or is no longer registered.
namespace Hairpin.Bridge.Core.Mrp;

/// <param name="Join">True: the VID is registered; false: a Leave indication, the VID is no longer registered.</param>
/// <param name="IsNew">A Join indication raised by a New message.</param>
public readonly record struct MrpIndication(ushort Vid, bool Join, bool IsNew);
