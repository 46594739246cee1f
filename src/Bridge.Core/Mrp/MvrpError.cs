// Why MvrpPdu.Decode refused a frame. A refused frame says nothing to the participant: whatever the
// decoder had read before the fault is discarded by the caller, and the refusal is counted.
namespace Hairpin.Bridge.Core.Mrp;

public enum MvrpError : byte
{
    /// <summary>A well-formed MVRPDU: the message holds everything it said.</summary>
    None,
    /// <summary>Shorter than an Ethernet header, or an MVRP frame that stops before its ProtocolVersion byte.</summary>
    TooShort,
    /// <summary>Not to 01-80-C2-00-00-21, or not EtherType 0x88F5 after the addresses (or after a priority tag).</summary>
    NotMvrp,
    /// <summary>A VID message (AttributeType 1) whose AttributeLength is not 2.</summary>
    BadAttributeLength,
    /// <summary>A message, vector header, FirstValue or packed events running past the end of the frame.</summary>
    Truncated,
    /// <summary>A ThreePackedEvents byte of 216 or more: no three events in 0..5 pack to it.</summary>
    BadEvent,
    /// <summary>A VID vector whose values (FirstValue, FirstValue + 1, ...) include 0 or a VID above 4094.</summary>
    BadVid,
    /// <summary>A VID vector whose NumberOfValues is above 4094: more values than there are VIDs.</summary>
    TooManyValues,
    /// <summary>
    /// An MVRPDU carried in a VLAN (an 802.1Q tag with a VID other than 0): it is a participant of that
    /// VLAN speaking (a VLAN interface running MVRP inside it), not the port's, so its declarations say
    /// nothing about the VIDs this port carries. Linux hands such a frame to VLAN N's device, never to
    /// the port's applicant. Priority-tagged MVRPDUs (VID 0) are read as untagged ones.
    /// </summary>
    VlanTagged,
}
