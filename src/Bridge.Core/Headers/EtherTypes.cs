// EtherType values the bridge and its classifiers act on (IEEE registry).
namespace Hairpin.Bridge.Core.Headers;

public static class EtherTypes
{
    /// <summary>Values below this are 802.3 length fields, not EtherTypes.</summary>
    public const ushort MinEtherType = 0x0600;
    /// <summary>Largest valid 802.3 length field.</summary>
    public const ushort MaxLengthField = 1500;

    public const ushort IPv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort ReverseArp = 0x8035;
    public const ushort CustomerVlan = 0x8100;   // 802.1Q C-tag
    public const ushort IPv6 = 0x86DD;
    public const ushort ServiceVlan = 0x88A8;    // 802.1ad S-tag
    public const ushort LegacyQinQ = 0x9100;     // pre-802.1ad stacked tag, still sent by some switches
    public const ushort Lldp = 0x88CC;
    public const ushort Ecp = 0x8940;            // 802.1Qbg edge control protocol
}
