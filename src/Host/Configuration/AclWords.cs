// The value syntaxes of ACL match fields, with the names NX-OS and iptables users type
// (protocol tcp, dscp af41, arp_opcode request, tcp_flags "syn,!ack").
using System.Globalization;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration.Yaml;

namespace Hairpin.Host.Configuration;

internal static class AclWords
{
    public static ushort EtherType(string text) => text switch
    {
        "ipv4" or "ip" => EtherTypes.IPv4,
        "arp" => EtherTypes.Arp,
        "ipv6" => EtherTypes.IPv6,
        "lldp" => EtherTypes.Lldp,
        _ => (ushort)ConfigScalars.Long(text, 0x0600, 0xFFFF),   // below 0x600 it is a length, not a type
    };

    public static byte Protocol(string text) => text switch
    {
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        "gre" => 47,
        "icmpv6" => 58,
        "sctp" => 132,
        _ when char.IsAsciiDigit(text[0]) => (byte)ConfigScalars.Long(text, 0, 255),
        _ => throw new FormatException($"'{text}' is not tcp, udp, icmp, icmpv6, gre, sctp or a number 0..255"),
    };

    /// <summary>0..63, or the PHB names: default, ef, va, cs0..cs7, af11..af43.</summary>
    public static byte Dscp(string text)
    {
        string lower = text.ToLowerInvariant();
        if (lower is "default" or "be")
        {
            return 0;
        }
        if (lower == "ef")
        {
            return 46;
        }
        if (lower == "va")
        {
            return 44;
        }
        if (lower.Length == 3 && lower.StartsWith("cs", StringComparison.Ordinal) && lower[2] is >= '0' and <= '7')
        {
            return (byte)((lower[2] - '0') * 8);
        }
        if (lower.Length == 4 && lower.StartsWith("af", StringComparison.Ordinal) && lower[2] is >= '1' and <= '4' && lower[3] is >= '1' and <= '3')
        {
            return (byte)(((lower[2] - '0') * 8) + ((lower[3] - '0') * 2));
        }
        return char.IsAsciiDigit(text[0])
            ? (byte)ConfigScalars.Long(text, 0, 63)
            : throw new FormatException($"'{text}' is not a DSCP value 0..63 or name (ef, af11..af43, cs0..cs7, default)");
    }

    public static ushort ArpOpcode(string text) => text switch
    {
        "request" => 1,
        "reply" => 2,
        _ when char.IsAsciiDigit(text[0]) => (ushort)ConfigScalars.Long(text, 1, 0xFFFF),
        _ => throw new FormatException($"'{text}' is not request, reply or a number"),
    };

    /// <summary>"80" or "1024-65535".</summary>
    public static PortRange PortRange(string text)
    {
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        ushort first = L4Port(dash < 0 ? text : text[..dash], text);
        ushort last = dash < 0 ? first : L4Port(text[(dash + 1)..], text);
        return last < first ? throw new FormatException($"port range '{text}' runs backwards") : new PortRange(first, last);
    }

    private static ushort L4Port(string part, string text) =>
        ushort.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ushort port)
            ? port
            : throw new FormatException($"'{text}' is not a port or range like 80 or 1024-65535");

    public static IpPrefix Prefix(string text)
    {
        try
        {
            return IpPrefix.Parse(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)");
        }
    }

    private static readonly (string Name, byte Bit)[] FlagNames =
    [
        ("fin", TcpFlags.Fin), ("syn", TcpFlags.Syn), ("rst", TcpFlags.Rst), ("psh", TcpFlags.Psh),
        ("ack", TcpFlags.Ack), ("urg", TcpFlags.Urg), ("ece", TcpFlags.Ece), ("cwr", TcpFlags.Cwr),
    ];

    /// <summary>"syn" (SYN set), "syn,!ack" (SYN set, ACK clear; other flags ignored), or "0x02/0x12" (value/mask).</summary>
    public static (byte Flags, byte Mask) TcpFlagMatch(string text)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            string[] parts = text.Split('/');
            byte value = (byte)ConfigScalars.Long(parts[0], 0, 0xFF);
            byte mask = parts.Length > 1 ? (byte)ConfigScalars.Long(parts[1], 0, 0xFF) : (byte)0xFF;
            return (value, mask);
        }
        byte flags = 0;
        byte care = 0;
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            bool clear = item.StartsWith('!');
            string name = clear ? item[1..] : item;
            (string Name, byte Bit) flag = FlagNames.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (flag.Name is null)
            {
                throw new FormatException($"'{item}' is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr; '!' for clear)");
            }
            care |= flag.Bit;
            flags |= clear ? (byte)0 : flag.Bit;
        }
        return (flags, care);
    }

    public static AclVerdict Verdict(string text) => text switch
    {
        "permit" => AclVerdict.Permit,
        "deny" => AclVerdict.Deny,
        _ => throw new FormatException($"'{text}' is not permit or deny"),
    };
}
