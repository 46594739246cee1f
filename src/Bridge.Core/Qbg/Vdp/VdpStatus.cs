// The status byte of a VSI TLV (802.1Qbg-2012 41.2.4). One byte, two readings: in a station's request
// bits 5-4 are migration hints; in a bridge's answer bit 6 marks it an answer (lldpad ignores an answer
// without it), bits 5-4 are KEEP and HARD, and the low nibble is the error.
namespace Hairpin.Bridge.Core.Qbg.Vdp;

/// <summary>The error nibble of a bridge's answer.</summary>
public enum VdpError : byte
{
    None = 0,
    InvalidFormat = 1,
    InsufficientResources = 2,
    VsiManagerUnreachable = 3,
    OtherFailure = 4,
    /// <summary>Invalid VID, GroupID or MAC address.</summary>
    InvalidFilter = 5,
}

/// <summary>A station's migration hint, sent in the request status.</summary>
public enum VsiHint : byte
{
    None = 0,
    /// <summary>M: the VSI is migrating to this station.</summary>
    MigratingTo = VdpStatus.MigratingToBit,
    /// <summary>S: the VSI is migrating away from this station (suspending).</summary>
    MigratingFrom = VdpStatus.MigratingFromBit,
}

public readonly record struct VdpStatus(byte Value)
{
    /// <summary>Set in every bridge answer (lldpad calls it the ACK bit).</summary>
    public const byte ResponseBit = 0x40;
    /// <summary>Answer: the bridge kept the VSI's previous state despite the error.</summary>
    public const byte KeepBit = 0x20;
    /// <summary>Answer: the error is permanent; a retry will not help.</summary>
    public const byte HardBit = 0x10;
    public const byte ErrorMask = 0x0F;
    /// <summary>Request: S, the VSI is migrating from this station.</summary>
    public const byte MigratingFromBit = 0x20;
    /// <summary>Request: M, the VSI is migrating to this station.</summary>
    public const byte MigratingToBit = 0x10;

    public static VdpStatus Request(VsiHint hint) => new((byte)hint);

    public static VdpStatus Response(VdpError error, bool keep = false, bool hard = false) =>
        new((byte)(ResponseBit | (keep ? KeepBit : 0) | (hard ? HardBit : 0) | ((byte)error & ErrorMask)));

    public bool IsResponse => (Value & ResponseBit) != 0;
    public bool Keep => IsResponse && (Value & KeepBit) != 0;
    public bool Hard => IsResponse && (Value & HardBit) != 0;
    public VdpError Error => IsResponse ? (VdpError)(Value & ErrorMask) : VdpError.None;
    public bool IsRefusal => Error != VdpError.None;
    public VsiHint Hint => IsResponse ? VsiHint.None : (VsiHint)(Value & (MigratingFromBit | MigratingToBit));

    /// <summary>What lldpad/vdptool would say about an error, for logs and the station's Refused reason.</summary>
    public static string Describe(VdpError error) => error switch
    {
        VdpError.None => "success",
        VdpError.InvalidFormat => "invalid format",
        VdpError.InsufficientResources => "insufficient resources",
        VdpError.VsiManagerUnreachable => "unable to contact the VSI manager",
        VdpError.OtherFailure => "other failure",
        VdpError.InvalidFilter => "invalid VID, GroupID or MAC address",
        _ => $"error {(byte)error}",
    };

    public override string ToString() => IsResponse
        ? $"0x{Value:x2} ({Describe(Error)}{(Keep ? ", keep" : "")}{(Hard ? ", hard" : "")})"
        : $"0x{Value:x2}{(Hint == VsiHint.None ? "" : $" ({Hint})")}";
}
