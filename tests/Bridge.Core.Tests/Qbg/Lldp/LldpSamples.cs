// The EVB TLV bodies and addresses of the reference capture (shared/reference/8021qbg.md), shared by the
// LLDP/EVB tests of this folder.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Lldp;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

internal static class LldpSamples
{
    public static readonly MacAddress StationMac = MacAddress.Parse("02:00:00:00:5a:01");
    public static readonly MacAddress BridgeMac = MacAddress.Parse("02:00:00:00:b0:01");

    // The negotiation as captured, then the steady state.
    public const string BridgeOffer = "0200685414";
    public const string StationRequest = "0007689414";
    public const string BridgeGrant = "0307687434";
    public const string StationEnabled = "030568b434";
    public const string BridgeSteady = "0305687434";
    // Later in the capture both ends turned group IDs on (SGID, then BGID).
    public const string StationGroupIds = "030d68b434";
    public const string BridgeGroupIds = "070d687434";
    public const string StationGroupIdsSteady = "070d68b434";

    public static readonly string[] Documented = [BridgeOffer, StationRequest, BridgeGrant, StationEnabled, BridgeSteady];
    public static readonly string[] Captured = [.. Documented, StationGroupIds, BridgeGroupIds, StationGroupIdsSteady];

    public static EvbTlv Evb(string hex) =>
        EvbTlv.TryRead(Convert.FromHexString(hex), out EvbTlv tlv) ? tlv : throw new ArgumentException(hex);

    public static string Hex(EvbTlv tlv) => Convert.ToHexStringLower(tlv.ToBytes());

    public static EvbNegotiation BridgeEvb(EvbSettings? settings = null) => new(EvbMode.Bridge, settings ?? new EvbSettings());
    public static EvbNegotiation StationEvb(EvbSettings? settings = null) => new(EvbMode.Station, settings ?? new EvbSettings());

    public static LldpAgent BridgeAgent(EvbSettings? settings = null) => new(BridgeMac, new LldpSettings(), BridgeEvb(settings));
    public static LldpAgent StationAgent(EvbSettings? settings = null) => new(StationMac, new LldpSettings(), StationEvb(settings));
}
