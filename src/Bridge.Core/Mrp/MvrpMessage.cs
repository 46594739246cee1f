// What one MVRPDU says, decoded or to be encoded: the LeaveAll flag of the VID attribute type and an
// event per VID. Reused between PDUs (Clear), so a participant's receive path keeps one.
namespace Hairpin.Bridge.Core.Mrp;

public sealed class MvrpMessage
{
    /// <summary>The sender's LeaveAll for the VID attribute type: every registration must be re-declared.</summary>
    public bool LeaveAll { get; set; }

    /// <summary>One event per VID; the encoder wants them in VID order, each VID once; the decoder gives them in PDU order.</summary>
    public List<VidEvent> Events { get; } = [];

    public void Clear()
    {
        LeaveAll = false;
        Events.Clear();
    }
}
