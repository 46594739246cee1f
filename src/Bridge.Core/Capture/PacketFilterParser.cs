// Compiles a tcpdump-style capture filter (the subset in specs/capture.md) into a PacketFilter. It keeps
// tcpdump's meaning where tcpdump's is surprising, so an engineer's muscle memory holds:
//  - `and` and `or` have equal precedence and group left to right (`a or b and c` is `(a or b) and c`);
//    `not` binds tightest;
//  - every `vlan` moves the EtherType and IP header 4 bytes further for all that is written after it,
//    wherever it stands (`vlan or ip` reads `ip` inside a tag that is not there);
//  - a bare value after `and`/`or` reuses the qualifiers of the primitive before it
//    (`host 10.0.0.1 or 10.0.0.2`, `tcp port 80 or 443`).
// Anything outside the subset is a FormatException naming the word and its position (from 1).
using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Capture;

public static class PacketFilterParser
{
    /// <summary>Longer expressions are refused, so neither parsing nor matching can run out of stack.</summary>
    public const int MaxTokens = 1024;
    private const int MaxNesting = 64;

    /// <summary>Compiles <paramref name="expression"/>; an empty one matches every frame.</summary>
    /// <exception cref="FormatException">A word outside the supported subset, or a malformed expression.</exception>
    public static PacketFilter Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        List<FilterToken> tokens = PacketFilterLexer.Split(expression);
        if (tokens.Count == 1)
        {
            return PacketFilter.MatchAll;
        }
        if (tokens.Count > MaxTokens)
        {
            throw new FormatException($"capture filter: more than {MaxTokens} words and operators in \"{expression}\"");
        }
        return new PacketFilter(expression, new Parser(expression, tokens).ParseWhole());
    }

    private enum Protocol : byte
    {
        None,
        Ether,
        Ip,
        Ip6,
        Arp,
        Tcp,
        Udp,
    }

    private enum AddressKind : byte
    {
        Host,
        Port,
    }

    /// <summary>What a primitive's value was qualified with, kept for a bare value after `and`/`or`.</summary>
    private sealed record Qualifiers(Protocol Protocol, string ProtocolWord, FilterDirection Direction, AddressKind Kind);

    private sealed class Parser(string expression, List<FilterToken> tokens)
    {
        private const int EtherTypeOffset = 12;
        private const int VlanTagSize = 4;
        private const int MaxVid = 4095;

        private static readonly SearchValues<char> ValueCharacters = SearchValues.Create("0123456789abcdefABCDEF:.-");
        private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

        private int _next;
        private int _nesting;
        /// <summary>Bytes the `vlan` words so far have moved the EtherType by.</summary>
        private int _vlanShift;
        private Qualifiers? _lastQualifiers;

        private FilterToken Peek => tokens[_next];
        private int TypeOffset => EtherTypeOffset + _vlanShift;

        public FilterNode ParseWhole()
        {
            FilterNode node = ParseExpression();
            if (Peek.Kind != FilterTokenKind.End)
            {
                throw Error($"unexpected {Peek.Describe()}");
            }
            return node;
        }

        private FilterNode ParseExpression()
        {
            FilterNode left = ParseTerm();
            while (Peek.Kind is FilterTokenKind.And or FilterTokenKind.Or)
            {
                bool isAnd = tokens[_next++].Kind == FilterTokenKind.And;
                FilterNode right = StartsBareValue() ? ParseBareValue() : ParseTerm();
                left = isAnd ? new AndNode(left, right) : new OrNode(left, right);
            }
            return left;
        }

        private FilterNode ParseTerm()
        {
            if (Peek.Kind == FilterTokenKind.Not)
            {
                _next++;
                Enter();
                FilterNode operand = ParseTerm();
                _nesting--;
                return new NotNode(operand);
            }
            return ParsePrimary();
        }

        private FilterNode ParsePrimary()
        {
            FilterToken token = Peek;
            switch (token.Kind)
            {
                case FilterTokenKind.LeftParenthesis:
                {
                    _next++;
                    Enter();
                    // As in libpcap, what follows the group takes the qualifiers from before it.
                    Qualifiers? before = _lastQualifiers;
                    FilterNode inner = ParseExpression();
                    if (Peek.Kind != FilterTokenKind.RightParenthesis)
                    {
                        throw Error($"expected ')' to close the '(' at position {token.Position}, found {Peek.Describe()}");
                    }
                    _next++;
                    _nesting--;
                    _lastQualifiers = before;
                    return inner;
                }
                case FilterTokenKind.Word:
                    return ParsePrimitive();
                case FilterTokenKind.End:
                    throw Error("the filter ends where a primitive (host, port, tcp, vlan, ...) was expected");
                default:
                    throw Error($"unexpected {token.Describe()} where a primitive (host, port, tcp, vlan, ...) was expected");
            }
        }

        private FilterNode ParsePrimitive()
        {
            FilterToken word = Peek;
            switch (word.Text)
            {
                case "vlan":
                    return ParseVlan();
                case "icmp":
                    return Unqualified(new IpProtocolNode(TypeOffset, 1, inIpv4: true, inIpv6: false));
                case "icmp6":
                    return Unqualified(new IpProtocolNode(TypeOffset, 58, inIpv4: false, inIpv6: true));
                case "tcp" or "udp" when !NextIsQualifier(1, "src", "dst", "host", "port"):
                    return Unqualified(new IpProtocolNode(TypeOffset, word.Text == "tcp" ? (byte)6 : (byte)17, inIpv4: true, inIpv6: true));
                case "ip" or "ip6" or "arp" when !NextIsQualifier(1, "src", "dst", "host", "port"):
                    ushort etherType = word.Text switch { "ip" => EtherTypes.IPv4, "ip6" => EtherTypes.IPv6, _ => EtherTypes.Arp };
                    return Unqualified(new EtherTypeNode(TypeOffset, etherType));
                case "ether" or "ip" or "ip6" or "arp" or "tcp" or "udp" or "src" or "dst" or "host" or "port":
                    return ParseQualified();
                default:
                    if (LooksLikeValue(word.Text))
                    {
                        throw Error($"'{word.Text}' at position {word.Position} needs a qualifier such as 'host', 'port' or 'ether host'");
                    }
                    throw Error($"unsupported word '{word.Text}' at position {word.Position} (supported: host, src, dst, ether, vlan, port, tcp, udp, icmp, icmp6, arp, ip, ip6, and, or, not, parentheses)");
            }
        }

        private FilterNode Unqualified(FilterNode node)
        {
            _next++;
            _lastQualifiers = null;
            return node;
        }

        private VlanNode ParseVlan()
        {
            _next++;
            int vid = VlanNode.AnyVid;
            if (Peek.Kind == FilterTokenKind.Word && IsDigits(Peek.Text))
            {
                FilterToken number = tokens[_next++];
                if (!int.TryParse(number.Text, NumberStyles.None, CultureInfo.InvariantCulture, out vid) || vid > MaxVid)
                {
                    throw Error($"VLAN ID '{number.Text}' at position {number.Position} is out of range (0-{MaxVid})");
                }
            }
            var node = new VlanNode(TypeOffset, vid);
            _vlanShift += VlanTagSize;
            _lastQualifiers = null;
            return node;
        }

        private FilterNode ParseQualified()
        {
            Protocol protocol = Protocol.None;
            string protocolWord = "";
            FilterToken first = Peek;
            if (first.Text is "ether" or "ip" or "ip6" or "arp" or "tcp" or "udp")
            {
                protocol = first.Text switch
                {
                    "ether" => Protocol.Ether,
                    "ip" => Protocol.Ip,
                    "ip6" => Protocol.Ip6,
                    "arp" => Protocol.Arp,
                    "tcp" => Protocol.Tcp,
                    _ => Protocol.Udp,
                };
                protocolWord = first.Text;
                _next++;
            }
            FilterDirection direction = FilterDirection.SourceOrDestination;
            if (Peek.Kind == FilterTokenKind.Word && Peek.Text is "src" or "dst")
            {
                direction = Peek.Text == "src" ? FilterDirection.Source : FilterDirection.Destination;
                _next++;
                if (Peek.Kind is FilterTokenKind.And or FilterTokenKind.Or && NextIsQualifier(1, "src", "dst"))
                {
                    throw Error($"the combined qualifier at position {tokens[_next - 1].Position} ('src or dst', 'src and dst') is not supported: write the two primitives out");
                }
            }
            AddressKind kind = AddressKind.Host;
            bool kindWritten = false;
            if (Peek.Kind == FilterTokenKind.Word && Peek.Text is "host" or "port")
            {
                kind = Peek.Text == "port" ? AddressKind.Port : AddressKind.Host;
                kindWritten = true;
                _next++;
            }
            if (protocol == Protocol.Ether && !kindWritten && direction == FilterDirection.SourceOrDestination)
            {
                throw Error($"'ether' at position {first.Position} must be followed by 'host', 'src' or 'dst'");
            }
            var qualifiers = new Qualifiers(protocol, protocolWord, direction, kind);
            FilterToken value = Peek;
            if (value.Kind != FilterTokenKind.Word || !LooksLikeValue(value.Text))
            {
                string wanted = kind == AddressKind.Port ? "a port number" : protocol == Protocol.Ether ? "a MAC address" : "an address";
                throw Error($"expected {wanted} after '{tokens[_next - 1].Text}' at position {tokens[_next - 1].Position}, found {value.Describe()}");
            }
            _next++;
            FilterNode node = Build(qualifiers, value);
            _lastQualifiers = qualifiers;
            return node;
        }

        /// <summary>After `and`/`or`: a value (possibly under `not`s) rather than a primitive of its own.</summary>
        private bool StartsBareValue()
        {
            int at = _next;
            while (tokens[at].Kind == FilterTokenKind.Not)
            {
                at++;
            }
            return tokens[at].Kind == FilterTokenKind.Word && !IsKeyword(tokens[at].Text) && LooksLikeValue(tokens[at].Text);
        }

        private FilterNode ParseBareValue()
        {
            int negations = 0;
            while (Peek.Kind == FilterTokenKind.Not)
            {
                negations++;
                _next++;
            }
            FilterToken value = tokens[_next++];
            if (_lastQualifiers is null)
            {
                throw Error($"'{value.Text}' at position {value.Position} has no qualifier to reuse: write e.g. 'host {value.Text}' or 'port {value.Text}'");
            }
            FilterNode node = Build(_lastQualifiers, value);
            for (int i = 0; i < negations; i++)
            {
                node = new NotNode(node);
            }
            return node;
        }

        private FilterNode Build(Qualifiers qualifiers, FilterToken value) => qualifiers.Kind == AddressKind.Port
            ? BuildPort(qualifiers, value)
            : BuildHost(qualifiers, value);

        private PortNode BuildPort(Qualifiers qualifiers, FilterToken value)
        {
            PortProtocols protocols = qualifiers.Protocol switch
            {
                Protocol.None => PortProtocols.Tcp | PortProtocols.Udp | PortProtocols.Sctp,
                Protocol.Tcp => PortProtocols.Tcp,
                Protocol.Udp => PortProtocols.Udp,
                _ => throw Error($"'port' cannot follow '{qualifiers.ProtocolWord}' (only 'tcp' or 'udp' can qualify a port)"),
            };
            if (!IsDigits(value.Text) || !ushort.TryParse(value.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port))
            {
                throw Error($"'{value.Text}' at position {value.Position} is not a port number (0-65535; service names are not looked up)");
            }
            return new PortNode(TypeOffset, protocols, qualifiers.Direction, port);
        }

        private FilterNode BuildHost(Qualifiers qualifiers, FilterToken value)
        {
            string text = value.Text;
            if (qualifiers.Protocol == Protocol.Ether)
            {
                return MacAddress.TryParse(text, out MacAddress mac)
                    ? new EtherHostNode(qualifiers.Direction, mac)
                    : throw Error($"'{text}' at position {value.Position} is not a MAC address (e.g. 52:54:00:00:00:0a)");
            }
            if (qualifiers.Protocol is Protocol.Tcp or Protocol.Udp)
            {
                throw Error($"'{qualifiers.ProtocolWord}' cannot qualify a host; write e.g. '{qualifiers.ProtocolWord} and host {text}'");
            }
            if (TryParseIpv4(text, out uint ipv4))
            {
                HostProtocols protocols = qualifiers.Protocol switch
                {
                    Protocol.None => HostProtocols.Ip | HostProtocols.Arp | HostProtocols.ReverseArp,
                    Protocol.Ip => HostProtocols.Ip,
                    Protocol.Arp => HostProtocols.Arp,
                    _ => throw Error($"'{text}' at position {value.Position} is an IPv4 address, but 'ip6' asks for an IPv6 one"),
                };
                return new Ipv4HostNode(TypeOffset, protocols, qualifiers.Direction, ipv4);
            }
            if (text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal)
                && IPAddress.TryParse(text, out IPAddress? ipv6) && ipv6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                if (qualifiers.Protocol is not (Protocol.None or Protocol.Ip6))
                {
                    throw Error($"'{text}' at position {value.Position} is an IPv6 address, but '{qualifiers.ProtocolWord}' asks for an IPv4 one");
                }
                return new Ipv6HostNode(TypeOffset, qualifiers.Direction, ipv6.GetAddressBytes());
            }
            if (MacAddress.TryParse(text, out _))
            {
                throw Error($"'{text}' at position {value.Position} is a MAC address: write 'ether host {text}'");
            }
            throw Error($"'{text}' at position {value.Position} is not an IPv4 or IPv6 address (host names are not looked up)");
        }

        private bool NextIsQualifier(int ahead, params string[] words)
        {
            FilterToken token = tokens[Math.Min(_next + ahead, tokens.Count - 1)];
            return token.Kind == FilterTokenKind.Word && Array.IndexOf(words, token.Text) >= 0;
        }

        private void Enter()
        {
            if (++_nesting > MaxNesting)
            {
                throw Error($"parentheses and 'not' nested more than {MaxNesting} deep");
            }
        }

        private FormatException Error(string problem) => new($"capture filter: {problem}, in \"{expression}\"");

        private static bool IsKeyword(string word) => word is "vlan" or "icmp" or "icmp6" or "tcp" or "udp" or "ip" or "ip6"
            or "arp" or "ether" or "src" or "dst" or "host" or "port";

        /// <summary>Numbers, IPv4/IPv6/MAC literals: what a bare value or a qualified primitive's value may be.</summary>
        private static bool LooksLikeValue(string word) =>
            word.Length > 0 && word.AsSpan().IndexOfAnyExcept(ValueCharacters) < 0;

        private static bool IsDigits(string word) => word.Length > 0 && word.AsSpan().IndexOfAnyExcept(Digits) < 0;

        /// <summary>Exactly four decimal parts of 0-255 (not the short and octal forms inet_aton also takes).</summary>
        private static bool TryParseIpv4(string text, out uint address)
        {
            address = 0;
            int parts = 0;
            foreach (Range range in text.AsSpan().Split('.'))
            {
                ReadOnlySpan<char> part = text.AsSpan()[range];
                if (++parts > 4 || part.Length is 0 or > 3 || part.IndexOfAnyExcept(Digits) >= 0)
                {
                    return false;
                }
                int value = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
                if (value > 255)
                {
                    return false;
                }
                address = (address << 8) | (uint)value;
            }
            return parts == 4;
        }
    }
}
