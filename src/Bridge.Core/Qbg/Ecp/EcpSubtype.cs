// The 10-bit subtype of an ECP header: which upper-layer protocol the PDU carries. Other values parse
// (the header is well formed) and are left to the endpoint to count and ignore.
namespace Hairpin.Bridge.Core.Qbg.Ecp;

public enum EcpSubtype : ushort
{
    /// <summary>VSI Discovery and Configuration Protocol (clause 41).</summary>
    Vdp = 1,
    /// <summary>Port Extender Control and Status Protocol (802.1BR).</summary>
    Pecsp = 2,
}
