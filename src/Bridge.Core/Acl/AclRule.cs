// An ACL as a network engineer writes one: an ordered list of named rules, first match wins, and a
// default verdict when none matches (deny, as NX-OS's implicit deny, unless the ACL says otherwise).
using System.Globalization;
using System.Net;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Acl;

public enum AclVerdict : byte
{
    Permit,
    Deny,
}

/// <summary>An inclusive L4 port range, e.g. `range 1024 65535` or `eq 80`.</summary>
public readonly record struct PortRange(ushort First, ushort Last)
{
    public static PortRange Exactly(ushort port) => new(port, port);
}

/// <summary>An IPv4 or IPv6 prefix; IPv4 is kept IPv4-mapped so both share one form.</summary>
public readonly record struct IpPrefix(UInt128 Address, int Length, bool IsIpv4)
{
    /// <summary>"10.0.0.0/8", "2001:db8::/32", or an address alone (a host prefix).</summary>
    /// <exception cref="FormatException">Anything else, including a length that is not a small number (never OverflowException).</exception>
    public static IpPrefix Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length > 2)
        {
            throw new FormatException($"'{text}' has more than one '/'");
        }
        IPAddress address = IPAddress.Parse(parts[0]);
        bool v4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        // inet_aton's short forms ("10" is 0.0.0.10, "10.1" is 10.0.0.1) are a typo more often than
        // an intent: an ACL takes the four dotted parts only, as iptables and NX-OS show them.
        if (v4 && parts[0].Count(c => c == '.') != 3)
        {
            throw new FormatException($"'{parts[0]}' is not a dotted IPv4 address (four parts, e.g. 10.0.0.0)");
        }
        int maxLength = v4 ? 32 : 128;
        int length = maxLength;
        if (parts.Length > 1 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > maxLength))
        {
            throw new FormatException($"prefix length /{parts[1]} does not fit {text}");
        }
        byte[] bytes = address.GetAddressBytes();
        UInt128 value = v4
            ? FlowFields.MapIpv4(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return new IpPrefix(value, v4 ? length + 96 : length, v4);
    }

    internal UInt128 Mask => Length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - Length);
}

/// <summary>What a rule matches; a null field matches anything.</summary>
public sealed record AclMatch
{
    /// <summary>Name of the port the frame came in on.</summary>
    public string? IngressPort { get; init; }
    public MacAddress? SourceMac { get; init; }
    public MacAddress SourceMacMask { get; init; } = MacAddress.Broadcast;
    public MacAddress? DestinationMac { get; init; }
    public MacAddress DestinationMacMask { get; init; } = MacAddress.Broadcast;
    public ushort? EtherType { get; init; }
    public int? Vid { get; init; }
    public int? Pcp { get; init; }
    public ushort? ArpOpcode { get; init; }
    /// <summary>IP source prefix (for ARP: the sender IP).</summary>
    public IpPrefix? Source { get; init; }
    /// <summary>IP destination prefix (for ARP: the target IP).</summary>
    public IpPrefix? Destination { get; init; }
    public byte? Protocol { get; init; }
    public byte? Dscp { get; init; }
    public PortRange? SourcePorts { get; init; }
    public PortRange? DestinationPorts { get; init; }
    public byte? TcpFlags { get; init; }
    public byte TcpFlagsMask { get; init; } = 0xFF;
    /// <summary>TCP with ACK or RST set (NX-OS/IOS `established`).</summary>
    public bool Established { get; init; }
    public byte? IcmpType { get; init; }
    public byte? IcmpCode { get; init; }
}

public sealed record AclRule(string Name, AclVerdict Verdict, AclMatch Match)
{
    /// <summary>What a permit does besides permitting (ignored on deny, which only drops and counts).</summary>
    public AclActions Actions { get; init; } = AclActions.None;
}

public sealed record AccessList
{
    public required string Name { get; init; }
    public IReadOnlyList<AclRule> Rules { get; init; } = [];
    public AclVerdict DefaultVerdict { get; init; } = AclVerdict.Deny;
}
