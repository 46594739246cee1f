// The 2-bit operation field of an ECP header (802.1Qbg-2012 clause 43): a request carries an
// upper-layer PDU, an acknowledgement carries none. Values 2 and 3 are reserved and refused.
namespace Hairpin.Bridge.Core.Qbg.Ecp;

public enum EcpOperation : byte
{
    Request = 0,
    Ack = 1,
}
