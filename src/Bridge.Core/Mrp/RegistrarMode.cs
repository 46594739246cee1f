// The registrar administrative control of a port (802.1Q 10.7.2), as `mvrp_registrar:` names it.
namespace Hairpin.Bridge.Core.Mrp;

public enum RegistrarMode : byte
{
    /// <summary>Registers what neighbours declare and deregisters after the leave timer.</summary>
    Normal,
    /// <summary>Holds the port's statically configured VIDs registered whatever is heard; registers nothing else.</summary>
    Fixed,
    /// <summary>Registers nothing heard on the port (the declarations are counted and ignored).</summary>
    Forbidden,
}
