namespace Hairpin.Bridge.Core.Mrp;

/// <summary>One VID's attribute event in an MVRPDU.</summary>
public readonly record struct VidEvent(ushort Vid, MrpAttributeEvent Event);
