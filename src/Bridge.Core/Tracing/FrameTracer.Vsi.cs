// 802.1Qbg VSI admission in a trace: which VSI the frame is from, or why the port refuses it
// (BridgeEngine.AdmitVsiSource's rule, read from the same plan). No VSI counter is touched.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class FrameTracer
{
    /// <summary>Null when the frame may go on; otherwise the finished trace (`vsi-not-associated`).</summary>
    private FrameTrace? VsiSource(ref PortPlan ingress)
    {
        int port = _frame.IngressPort;
        string sender = $"{_frame.Source} in VLAN {_frame.Vid}";
        Dictionary<ulong, int>? bindings = _plan.VsiBindings[port];
        if (bindings?.TryGetValue(VidMacKey.Of(_frame.Vid, _frame.Source), out int vsi) == true)
        {
            _record.Stage("vsi", $"{sender} is VSI {_plan.VsiNames[vsi]}, associated on {Name(port)}");
            return null;
        }
        if (bindings?.TryGetValue(VidMacKey.Of(_frame.Vid, Headers.MacAddress.Zero), out vsi) == true)
        {
            _record.Stage("vsi", $"{sender} is in VLAN {_frame.Vid}, which VSI {_plan.VsiNames[vsi]} associated whole (a VID-only filter) on {Name(port)}");
            return null;
        }
        if (!ingress.VsiEnforced)
        {
            _record.Stage("vsi", $"{sender} is no VSI of {Name(port)}, which does not enforce VSI admission: passes");
            return null;
        }
        return _record.Dropped(DropReason.VsiNotAssociated, "vsi",
            $"{sender} is not associated on {Name(port)} (802.1Qbg VDP), which admits only its VSIs' (MAC, VID) pairs");
    }
}
