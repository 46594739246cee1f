// Why an ECP payload was refused by EcpReader; every refusal is counted as malformed by the endpoint.
namespace Hairpin.Bridge.Core.Qbg.Ecp;

public enum EcpCheck : byte
{
    Ok,
    /// <summary>Fewer than the 4 header bytes.</summary>
    Truncated,
    /// <summary>The version nibble is not 1.</summary>
    BadVersion,
    /// <summary>Operation 2 or 3 (reserved).</summary>
    BadOperation,
}
