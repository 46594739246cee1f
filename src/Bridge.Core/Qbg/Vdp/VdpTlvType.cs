// The TLV types of a VDPDU (802.1Qbg-2012 clause 41.2), the payload ECP carries with subtype VDP. The
// header is 7 bits of type and 9 bits of length; the four VSI TLV types double as what a station asks for.
namespace Hairpin.Bridge.Core.Qbg.Vdp;

public enum VdpTlvType : byte
{
    End = 0,
    PreAssociate = 1,
    PreAssociateWithReservation = 2,
    Associate = 3,
    DeAssociate = 4,
    ManagerId = 5,
    Organizational = 127,
}

/// <summary>A VSI TLV's type: the state the station asks the bridge to put the VSI in.</summary>
public enum VdpRequest : byte
{
    PreAssociate = VdpTlvType.PreAssociate,
    /// <summary>Pre-associate and hold the VSI's resources (reservation).</summary>
    PreAssociateWithReservation = VdpTlvType.PreAssociateWithReservation,
    Associate = VdpTlvType.Associate,
    DeAssociate = VdpTlvType.DeAssociate,
}
