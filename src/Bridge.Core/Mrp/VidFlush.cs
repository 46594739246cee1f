// What MVRP's "new" asks of the filtering database (802.1Q 11.2.5): a declaration marked new, heard
// on a port (MAD_Join.indication) or issued on it by the MAP (MAD_Join.request), says the topology
// for that VID changed there, so the entries learned on that port in that VID may point the wrong
// way. MvrpBridge raises them; the host has the engine remove the learned entries they name.
namespace Hairpin.Bridge.Core.Mrp;

/// <param name="Port">The port whose learned entries go.</param>
/// <param name="Vid">The VID whose learned entries go; other VIDs keep theirs.</param>
/// <param name="Heard">True: the port heard the New; false: the MAP passed a New heard elsewhere on to it.</param>
public readonly record struct VidFlush(int Port, ushort Vid, bool Heard);
