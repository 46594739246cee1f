// The ratified EVB TLV (802.1Qbg-2012 D.2.12; LLDP type 127, OUI 00-80-C2, subtype 0x0D): five bytes by
// which a bridge and a station agree on reflective relay and on the ECP/VDP timers. Field names follow
// the standard and shared/reference/8021qbg.md.
namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <summary>The sender's role in an EVB TLV (2 bits; 0 and 3 are not defined).</summary>
public enum EvbMode : byte
{
    None = 0,
    Bridge = 1,
    Station = 2,
}

/// <summary>RRSTAT: what a station reports of reflective relay (2 bits; 2 is reserved).</summary>
public enum ReflectiveRelayStatus : byte
{
    NotEnabled = 0,
    Enabled = 1,
    /// <summary>The station has heard no bridge yet.</summary>
    Unknown = 3,
}

/// <summary>
/// The body of an EVB TLV, the five bytes after OUI and subtype. Reserved bits are dropped on read and
/// written as zero; <see cref="Write"/> keeps each field to its width.
/// </summary>
public readonly record struct EvbTlv
{
    public const int Oui = 0x0080C2;
    public const byte Subtype = 0x0D;
    public const int BodySize = 5;
    /// <summary>The TLV's length field: OUI (3), subtype (1) and the body.</summary>
    public const int InfoSize = 4 + BodySize;

    private const byte BgidBit = 0x04, RrcapBit = 0x02, RrctrBit = 0x01;
    private const byte SgidBit = 0x08, RrreqBit = 0x04, RrstatMask = 0x03;
    private const byte RolBit = 0x20, ExponentMask = 0x1F;

    // Bridge status (byte 4).
    /// <summary>BGID: the bridge supports group IDs in VDP.</summary>
    public bool Bgid { get; init; }
    /// <summary>RRCAP: the bridge can reflect (hairpin) frames on this port.</summary>
    public bool Rrcap { get; init; }
    /// <summary>RRCTR: the bridge has turned reflective relay on for this port.</summary>
    public bool Rrctr { get; init; }

    // Station status (byte 5).
    /// <summary>SGID: the station supports group IDs in VDP.</summary>
    public bool Sgid { get; init; }
    /// <summary>RRREQ: the station asks for reflective relay.</summary>
    public bool Rrreq { get; init; }
    public ReflectiveRelayStatus Rrstat { get; init; }

    /// <summary>R (3 bits): ECP's maximum number of retransmissions.</summary>
    public byte R { get; init; }
    /// <summary>RTE (5 bits): ECP's retransmit exponent, 10 us x 2^RTE.</summary>
    public byte Rte { get; init; }

    public EvbMode Mode { get; init; }
    /// <summary>ROL of RWD: the RWD sent is the remote's value, not the local one.</summary>
    public bool RwdRol { get; init; }
    /// <summary>RWD (5 bits): VDP's resource wait delay exponent.</summary>
    public byte Rwd { get; init; }
    /// <summary>ROL of RKA: the RKA sent is the remote's value, not the local one.</summary>
    public bool RkaRol { get; init; }
    /// <summary>RKA (5 bits): VDP's keep-alive exponent.</summary>
    public byte Rka { get; init; }

    /// <summary>The timers this TLV carries.</summary>
    public EvbTimers Timers => new(R, Rte, Rwd, Rka);

    /// <summary>Reads the first five bytes of <paramref name="body"/>; false if there are fewer.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out EvbTlv tlv)
    {
        if (body.Length < BodySize)
        {
            tlv = default;
            return false;
        }
        tlv = new EvbTlv
        {
            Bgid = (body[0] & BgidBit) != 0,
            Rrcap = (body[0] & RrcapBit) != 0,
            Rrctr = (body[0] & RrctrBit) != 0,
            Sgid = (body[1] & SgidBit) != 0,
            Rrreq = (body[1] & RrreqBit) != 0,
            Rrstat = (ReflectiveRelayStatus)(body[1] & RrstatMask),
            R = (byte)(body[2] >> 5),
            Rte = (byte)(body[2] & ExponentMask),
            Mode = (EvbMode)(body[3] >> 6),
            RwdRol = (body[3] & RolBit) != 0,
            Rwd = (byte)(body[3] & ExponentMask),
            RkaRol = (body[4] & RolBit) != 0,
            Rka = (byte)(body[4] & ExponentMask),
        };
        return true;
    }

    /// <summary>Writes the five body bytes into <paramref name="body"/>.</summary>
    public void Write(Span<byte> body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(body.Length, BodySize, nameof(body));
        body[0] = (byte)((Bgid ? BgidBit : 0) | (Rrcap ? RrcapBit : 0) | (Rrctr ? RrctrBit : 0));
        body[1] = (byte)((Sgid ? SgidBit : 0) | (Rrreq ? RrreqBit : 0) | ((byte)Rrstat & RrstatMask));
        body[2] = (byte)(((R & 0x07) << 5) | (Rte & ExponentMask));
        body[3] = (byte)((((byte)Mode & 0x03) << 6) | (RwdRol ? RolBit : 0) | (Rwd & ExponentMask));
        body[4] = (byte)((RkaRol ? RolBit : 0) | (Rka & ExponentMask));
    }

    /// <summary>The five body bytes, e.g. for logs and tests.</summary>
    public byte[] ToBytes()
    {
        var body = new byte[BodySize];
        Write(body);
        return body;
    }
}
