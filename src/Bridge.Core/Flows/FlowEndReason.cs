// Why a flow record was exported, with the values of IANA's flowEndReason (IE 136, RFC 5102/7012), so
// the exporter writes the number as it is.
namespace Hairpin.Bridge.Core.Flows;

public enum FlowEndReason : byte
{
    /// <summary>No frame of the flow for the idle timeout.</summary>
    IdleTimeout = 1,
    /// <summary>The flow ran longer than the active timeout: reported, and a new record starts with its next frame.</summary>
    ActiveTimeout = 2,
    /// <summary>The monitor stopped (bridge stopping, flow export turned off) with the flow still in the cache.</summary>
    ForcedEnd = 4,
    /// <summary>The cache was full: the flow least recently seen was reported early to make room (counted).</summary>
    LackOfResources = 5,
}
