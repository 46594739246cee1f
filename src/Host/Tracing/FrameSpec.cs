// Parses `hairpin trace`'s FRAME-SPEC, in the spirit of ofproto/trace's flow syntax, and builds the
// frame with FrameBuilder:
//
//   src MAC dst MAC [vlan VID [pcp N]]... [type 0xHHHH]
//       [arp IP to IP | ip IP to IP [udp|tcp SPORT DPORT [flags syn,ack,...]] [icmp TYPE CODE] [dscp N]]
//       [size N]
//
// Keywords may come in any order; each error is one line naming the offending word. Between the two
// IPs, `to` or tcpdump's `>`: the latter must be quoted, or the shell takes it for a redirection.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Host.Tracing;

internal static class FrameSpec
{
    public const string Syntax =
        "src MAC dst MAC [vlan VID [pcp N]] [arp IP to IP | ip IP to IP [udp|tcp SPORT DPORT [flags syn,ack]] [icmp TYPE CODE] [dscp N]] [type 0xHHHH] [size N]";

    /// <summary>The frame the words describe; throws <see cref="FrameSpecException"/> naming the first bad word.</summary>
    public static byte[] Parse(string[] words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var spec = new PacketSpec();
        var reader = new WordReader(words);
        while (reader.TryNext(out string keyword))
        {
            switch (keyword)
            {
                case "src":
                    spec.Source = Mac(reader.Value(keyword));
                    break;
                case "dst":
                    spec.Destination = Mac(reader.Value(keyword));
                    break;
                case "vlan":
                    spec.Tags.Add((Number(reader.Value(keyword), 0, 4095, "a VLAN ID is 0..4095"), 0));
                    break;
                case "pcp":
                    if (spec.Tags.Count == 0)
                    {
                        throw FrameSpecException.At(keyword, "pcp follows a vlan");
                    }
                    spec.Tags[^1] = (spec.Tags[^1].Vid, Number(reader.Value(keyword), 0, 7, "pcp is 0..7"));
                    break;
                case "type":
                    spec.EtherType = (ushort)Number(reader.Value(keyword), 0, 0xFFFF, "an EtherType is 0x0000..0xffff", hex: true);
                    break;
                case "arp" or "ip":
                    spec.SetNetwork(keyword, Ipv4(reader.Value(keyword)), reader.Arrow(keyword), Ipv4(reader.Value(keyword)));
                    break;
                case "udp" or "tcp":
                    spec.SetTransport(keyword, Port(reader.Value(keyword)), Port(reader.Value(keyword)));
                    break;
                case "icmp":
                    spec.SetTransport(keyword, Number(reader.Value(keyword), 0, 255, "an ICMP type is 0..255"), Number(reader.Value(keyword), 0, 255, "an ICMP code is 0..255"));
                    break;
                case "flags":
                    spec.SetFlags(keyword, Flags(reader.Value(keyword)));
                    break;
                case "dscp":
                    spec.SetDscp(keyword, Number(reader.Value(keyword), 0, 63, "DSCP is 0..63"));
                    break;
                case "size":
                    spec.Size = Number(reader.Value(keyword), 14, 9216, "size is 14..9216 bytes");
                    break;
                default:
                    throw FrameSpecException.At(keyword, $"not a keyword (expected {Syntax})");
            }
        }
        return spec.Build();
    }

    private static MacAddress Mac(string word) =>
        MacAddress.TryParse(word, out MacAddress mac) ? mac : throw FrameSpecException.At(word, "not a MAC address (e.g. 52:54:00:00:00:0a)");

    private static uint Ipv4(string word) =>
        IPAddress.TryParse(word, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetwork && word.Count(c => c == '.') == 3
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes())
            : throw FrameSpecException.At(word, "not an IPv4 address (e.g. 169.254.0.1)");

    private static int Port(string word) => Number(word, 0, 65535, "a port is 0..65535");

    private static int Number(string word, int min, int max, string range, bool hex = false)
    {
        bool parsed = hex && word.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(word.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value)
            : int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!parsed)
        {
            throw FrameSpecException.At(word, $"not a number ({range})");
        }
        return value >= min && value <= max ? value : throw FrameSpecException.At(word, range);
    }

    private static byte Flags(string word)
    {
        byte flags = 0;
        foreach (string name in word.Split(','))
        {
            flags |= name switch
            {
                "fin" => TcpFlags.Fin,
                "syn" => TcpFlags.Syn,
                "rst" => TcpFlags.Rst,
                "psh" => TcpFlags.Psh,
                "ack" => TcpFlags.Ack,
                "urg" => TcpFlags.Urg,
                "ece" => TcpFlags.Ece,
                "cwr" => TcpFlags.Cwr,
                _ => throw FrameSpecException.At(word, $"'{name}' is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)"),
            };
        }
        return flags;
    }

    /// <summary>The words one at a time; a keyword's value missing at the end is an error naming the keyword.</summary>
    private sealed class WordReader(string[] words)
    {
        private int _next;

        public bool TryNext(out string word)
        {
            word = _next < words.Length ? words[_next++] : "";
            return word.Length > 0;
        }

        public string Value(string keyword) =>
            _next < words.Length ? words[_next++] : throw FrameSpecException.At(keyword, "needs a value after it");

        /// <summary>The word between source and destination: `to`, or a quoted `>`.</summary>
        public string Arrow(string keyword)
        {
            string word = Value(keyword);
            return word is "to" or ">"
                ? word
                : throw FrameSpecException.At(word, $"expected 'to' ({keyword} SRC to DST); a '>' must be quoted, or the shell takes it for a redirection");
        }
    }
}
