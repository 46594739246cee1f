// forwardingStatus (IE 89, RFC 7270 section 4.12): two bits of status (forwarded, dropped, consumed)
// and six of reason. The engine's reasons are finer than RFC 7270's; those it has a code for get it,
// the rest are "dropped, unknown reason", and the exact reason rides in Hairpin's own element.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Host.Flows;

internal static class ForwardingStatus
{
    public const byte Forwarded = 64;          // 01 000000: forwarded, reason unknown
    public const byte DroppedUnknown = 128;    // 10 000000
    public const byte DroppedAclDeny = 129;    // 10 000001
    public const byte DroppedPolicer = 138;    // 10 001010
    public const byte ConsumedForUs = 195;     // 11 000011: terminated here ("for us")

    public static byte Of(in FlowRecord record) => record.Fate switch
    {
        DispositionKind.ControlPlane => ConsumedForUs,
        DispositionKind.Dropped => record.DropReason switch
        {
            DropReason.AclDenied => DroppedAclDeny,
            DropReason.Policed => DroppedPolicer,
            _ => DroppedUnknown,
        },
        _ => Forwarded,
    };
}
