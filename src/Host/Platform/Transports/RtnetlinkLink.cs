// What one rtnetlink link message (RTM_NEWLINK, RTM_DELLINK) says about an interface, reduced to the
// one question a port asks: can frames pass, and if not, is it the carrier or something the port's own
// packet socket already reports (the interface admin-down or deleted: ENETDOWN)?
namespace Hairpin.Host.Transports;

/// <summary>The link's state as a port follows it.</summary>
internal enum LinkCarrier
{
    /// <summary>Admin-up and operationally up: frames pass.</summary>
    Present,
    /// <summary>Admin-up without carrier (iproute2's NO-CARRIER: a veth whose peer is down, a NIC without cable).</summary>
    Absent,
    /// <summary>Admin-down: the packet socket reports ENETDOWN itself.</summary>
    AdminDown,
    /// <summary>Deleted (RTM_DELLINK): the packet socket reports that itself too.</summary>
    Gone,
}

/// <param name="Index">ifi_index.</param>
/// <param name="Flags">ifi_flags (IFF_UP, IFF_LOWER_UP, ...).</param>
/// <param name="OperState">IFLA_OPERSTATE (RFC 2863 operStatus as Linux numbers it), when the message carries it.</param>
/// <param name="Deleted">An RTM_DELLINK.</param>
internal readonly record struct LinkReport(int Index, uint Flags, byte? OperState, bool Deleted)
{
    public const uint IffUp = 0x1;
    public const uint IffLowerUp = 0x10000;
    public const byte OperUnknown = 0;
    public const byte OperUp = 6;

    /// <summary>
    /// As the Linux bridge decides whether a port has carrier (netif_running and netif_oper_up): the
    /// operational state up, or unknown (drivers that do not track carrier); IFF_LOWER_UP where the
    /// message has no operational state.
    /// </summary>
    public LinkCarrier Carrier
    {
        get
        {
            if (Deleted)
            {
                return LinkCarrier.Gone;
            }
            if ((Flags & IffUp) == 0)
            {
                return LinkCarrier.AdminDown;
            }
            bool operational = OperState is byte state ? state is OperUp or OperUnknown : (Flags & IffLowerUp) != 0;
            return operational ? LinkCarrier.Present : LinkCarrier.Absent;
        }
    }
}
