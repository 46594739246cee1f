// The value syntaxes of the config files, one parser each. Every parser throws FormatException with a
// reason that reads well after "KEY: " (the caller adds the key and the line), and accepts the forms
// network engineers already type: tc's rates and sizes, iproute2's VLAN ranges, hex or decimal masks.
using System.Globalization;
using System.Net;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Host.Configuration.Yaml;

public static class ConfigScalars
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static bool Bool(string text) => text switch
    {
        "true" or "True" or "TRUE" or "on" => true,
        "false" or "False" or "FALSE" or "off" => false,
        _ => throw new FormatException($"'{text}' is not true or false"),
    };

    /// <summary>Decimal, or hex with 0x (masks read better in hex).</summary>
    public static long Long(string text, long min, long max)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!long.TryParse(hex ? text[2..] : text.Replace("_", "", StringComparison.Ordinal), hex ? NumberStyles.AllowHexSpecifier : NumberStyles.AllowLeadingSign, Invariant, out long value))
        {
            throw new FormatException($"'{text}' is not a whole number");
        }
        if (value < min || value > max)
        {
            throw new FormatException(max >= int.MaxValue ? $"{value} must be at least {min}" : $"{value} is outside {min}..{max}");
        }
        return value;
    }

    public static int Int(string text, int min, int max) => (int)Long(text, min, max);

    public static int VlanId(string text)
    {
        int vid = Int(text, int.MinValue, int.MaxValue);
        return vid is < VlanSet.MinVid or > VlanSet.MaxVid ? throw new FormatException($"VLAN {vid} is outside {VlanSet.MinVid}..{VlanSet.MaxVid}") : vid;
    }

    /// <summary>"10", "10,20", "100-110,200" as iproute2 and NX-OS write VLAN lists.</summary>
    public static VlanSet VlanList(string text)
    {
        var vids = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0)
            {
                throw new FormatException($"'{text}' has an empty item (VLAN lists read like \"10,20-30\")");
            }
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first = VlanInList(dash < 0 ? part : part[..dash], text);
            int last = dash < 0 ? first : VlanInList(part[(dash + 1)..], text);
            if (last < first)
            {
                throw new FormatException($"VLAN range '{part}' runs backwards");
            }
            for (int vid = first; vid <= last; vid++)
            {
                vids.Add(vid);
            }
        }
        return new VlanSet(vids);
    }

    private static int VlanInList(string vid, string list)
    {
        if (!int.TryParse(vid.Trim(), NumberStyles.None, Invariant, out int value))
        {
            throw new FormatException($"'{list}' is not a VLAN list like \"10,20-30\"");
        }
        if (value is < VlanSet.MinVid or > VlanSet.MaxVid)
        {
            throw new FormatException($"VLAN {value} is outside {VlanSet.MinVid}..{VlanSet.MaxVid}");
        }
        return value;
    }

    public static MacAddress Mac(string text) =>
        MacAddress.TryParse(text, out MacAddress mac)
            ? mac
            : throw new FormatException($"'{text}' is not a MAC address (six hex bytes, e.g. 52:54:00:00:00:0a)");

    /// <summary>A unicast MAC a host can own (not group, not zero).</summary>
    public static MacAddress UnicastMac(string text)
    {
        MacAddress mac = Mac(text);
        return mac.IsGroup || mac.IsZero ? throw new FormatException($"{mac} is not a unicast address") : mac;
    }

    /// <summary>"52:54:00:00:00:0a", or with a mask: "52:54:00:00:00:00/ff:ff:ff:00:00:00" or "52:54:00:00:00:00/24" (leading bits).</summary>
    public static (MacAddress Mac, MacAddress Mask) MacWithMask(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (Mac(text), MacAddress.Broadcast);
        }
        MacAddress mac = Mac(text[..slash]);
        string maskText = text[(slash + 1)..];
        if (int.TryParse(maskText, NumberStyles.None, Invariant, out int bits))
        {
            if (bits > 48)
            {
                throw new FormatException($"MAC mask /{bits} is longer than 48 bits");
            }
            return (mac, new MacAddress(bits == 0 ? 0 : 0xFFFF_FFFF_FFFFUL << (48 - bits) & 0xFFFF_FFFF_FFFFUL));
        }
        return (mac, Mac(maskText));
    }

    /// <summary>The longest duration any setting takes: the engine counts in whole seconds of a 32-bit clock, and a hold of years is a typo.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    /// <summary>"300s", "100ms", "5m", "1h", "30d"; a bare number is seconds (as Linux's bridge settings are); at most a year.</summary>
    public static TimeSpan Duration(string text)
    {
        (string number, double unitSeconds) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ when text.EndsWith('d') => (text[..^1], 86400.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, Invariant, out double value))
        {
            throw new FormatException($"'{text}' is not a duration (e.g. 300s, 100ms, 5m, 1h, 30d; a bare number is seconds)");
        }
        double seconds = value * unitSeconds;
        return double.IsFinite(seconds) && seconds <= MaxDuration.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"'{text}' is longer than a year ({MaxDuration.TotalDays:0} days)");
    }

    private static readonly (string Suffix, long Factor)[] RateUnits =
    [
        ("tbit", 1_000_000_000_000), ("gbit", 1_000_000_000), ("mbit", 1_000_000), ("kbit", 1_000), ("bit", 1),
    ];

    /// <summary>Bits per second as tc writes them: "500kbit", "10mbit", "1gbit" (powers of 1000); a bare number is bit/s.</summary>
    public static long BitRate(string text)
    {
        string lower = text.ToLowerInvariant();
        if (lower.EndsWith("bps", StringComparison.Ordinal))
        {
            // tc reads "mbps" as megabytes, NX-OS as megabits: refuse the guess.
            throw new FormatException($"'{text}' is ambiguous (bytes to tc, bits to NX-OS): write bits as e.g. 10mbit");
        }
        foreach ((string suffix, long factor) in RateUnits)
        {
            if (lower.EndsWith(suffix, StringComparison.Ordinal))
            {
                return Scaled(lower[..^suffix.Length], factor, text, "a rate (e.g. 500kbit, 10mbit, 1gbit)");
            }
        }
        return Scaled(lower, 1, text, "a rate (e.g. 500kbit, 10mbit, 1gbit)");
    }

    private static readonly (string Suffix, long Factor)[] SizeUnits =
    [
        ("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1L << 30), ("m", 1L << 20), ("k", 1L << 10), ("b", 1),
    ];

    /// <summary>Bytes as tc writes sizes: "15000", "15k" or "15kb" (k = 1024), "1m".</summary>
    public static long ByteSize(string text)
    {
        string lower = text.ToLowerInvariant();
        if (lower.EndsWith("bit", StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' is a rate or bits: sizes are bytes, e.g. 15000 or 15k");
        }
        foreach ((string suffix, long factor) in SizeUnits)
        {
            if (lower.EndsWith(suffix, StringComparison.Ordinal))
            {
                return Scaled(lower[..^suffix.Length], factor, text, "a size in bytes (e.g. 15000, 15k, 1m)");
            }
        }
        return Scaled(lower, 1, text, "a size in bytes (e.g. 15000, 15k, 1m)");
    }

    private static long Scaled(string number, long factor, string text, string what)
    {
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, Invariant, out decimal value) || number.Length == 0)
        {
            throw new FormatException($"'{text}' is not {what}");
        }
        // Compared before multiplying: decimal's own range ends below a tbit rate of 21 digits.
        return value > long.MaxValue / factor ? throw new FormatException($"'{text}' is too large") : (long)(value * factor);
    }

    /// <summary>
    /// A loopback address with a port, e.g. "127.0.0.1:9417" or "[::1]:9417": counters reveal the
    /// network's layout, so exposing them beyond the machine is a proxy's decision, not ours.
    /// </summary>
    public static string Endpoint(string text)
    {
        if (!IPEndPoint.TryParse(text, out IPEndPoint? endpoint) || endpoint.Port == 0 || !text.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' is not ADDRESS:PORT (e.g. 127.0.0.1:9417)");
        }
        return IPAddress.IsLoopback(endpoint.Address)
            ? text
            : throw new FormatException($"'{text}' is not a loopback address (127.0.0.0/8 or [::1]): the metrics endpoint is served on this machine only");
    }

    /// <summary>Linux interface names: 1..15 characters (IFNAMSIZ 16 with the NUL), no '/', ':' or whitespace.</summary>
    public static string InterfaceName(string text)
    {
        if (text.Length is 0 or > 15 || text is "." or ".." || text.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)))
        {
            throw new FormatException($"'{text}' is not a Linux interface name (1 to 15 characters, no '/', ':' or spaces)");
        }
        return text;
    }

    /// <summary>A name that other settings refer to (ports, ACLs, meters, VMs): no spaces, so it can be typed in commands.</summary>
    public static string Name(string text) =>
        text.Length == 0 || text.Any(char.IsWhiteSpace)
            ? throw new FormatException($"'{text}' is not a usable name (non-empty, no spaces)")
            : text;
}
