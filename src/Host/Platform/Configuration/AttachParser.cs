// Reads `attach:` (where a port or VM meets the outside world), shared by the bridge's and the dumb
// vswitch's loaders, and keeps two attachments off the same interface or socket.
using Hairpin.Host.Configuration.Yaml;
using Hairpin.Host.Transports;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

public sealed class AttachParser(ConfigDiagnostics diagnostics)
{
    private const string Forms = "{ afpacket: IFNAME [, ring_frames: N] }, { tap: IFNAME } or { stream: { listen|connect: PATH or HOST:PORT } }";
    private const string RingFramesKey = "ring_frames";

    // Target -> who claimed it first, so the second claimant's error names the first.
    private readonly Dictionary<string, string> _claimed = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="node"/> for <paramref name="owner"/> ("port hv1", "uplink"), or null (recorded).</summary>
    public AttachSpec? Parse(YamlNode node, string owner)
    {
        if (YamlMap.Open(node, $"attach of {owner}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        // ring_frames rides beside afpacket; every other key names the attachment, and there is one.
        bool hasRingFrames = map.Has(RingFramesKey);
        int kinds = map.Node.Children.Count - (hasRingFrames ? 1 : 0);
        if (kinds != 1)
        {
            diagnostics.Add(node, $"attach of {owner} needs exactly one of afpacket, tap, stream: {Forms}");
            // Still read what is there, so unknown keys are reported too.
        }
        if (hasRingFrames && !map.Has("afpacket"))
        {
            diagnostics.Add(node, $"attach of {owner}: {RingFramesKey} is an afpacket setting (the receive ring's slots)");
            kinds = 0;
        }
        int? ringFrames = hasRingFrames ? RingFrames(map, owner) : AfPacketAttach.DefaultRingFrames;
        AttachSpec? spec = null;
        if (map.Get("afpacket") is YamlNode afpacket && Interface(afpacket, "afpacket") is string packetInterface && ringFrames is int slots)
        {
            spec = new AfPacketAttach(packetInterface, slots);
        }
        if (map.Get("tap") is YamlNode tap && Interface(tap, "tap") is string tapInterface)
        {
            spec = new TapAttach(tapInterface);
        }
        if (map.Map("stream", $"stream attach of {owner}") is YamlMap stream)
        {
            spec = Stream(stream, owner);
        }
        map.RejectUnknownKeys();
        if (spec is null || kinds != 1)
        {
            return null;
        }
        string target = Target(spec);
        if (_claimed.TryGetValue(target, out string? first))
        {
            diagnostics.Add(node, $"{owner} attaches to {spec.Describe()}, which {first} already uses");
            return null;
        }
        _claimed[target] = owner;
        return spec;
    }

    /// <summary>The ring's slots: a multiple of the kernel's block of 32, from 64 (128 KiB) to 65,536 (128 MiB); null when invalid (recorded).</summary>
    private int? RingFrames(YamlMap map, string owner)
    {
        if (map.Int(RingFramesKey, AfPacketAttach.MinRingFrames, AfPacketAttach.MaxRingFrames) is not int frames)
        {
            return null;   // missing value or out of range, already reported
        }
        if (frames % AfPacketAttach.RingFramesMultiple != 0)
        {
            diagnostics.Add(map.Get(RingFramesKey)!, $"{RingFramesKey} of {owner} is {frames}: a multiple of {AfPacketAttach.RingFramesMultiple}");
            return null;
        }
        return frames;
    }

    private string? Interface(YamlNode node, string key) =>
        YamlMap.TryParse(node, key, ConfigScalars.InterfaceName, diagnostics, out string? name) ? name : null;

    private StreamAttach? Stream(YamlMap stream, string owner)
    {
        bool hasListen = stream.Has("listen");
        bool hasConnect = stream.Has("connect");
        string? listen = stream.Text("listen");
        string? connect = stream.Text("connect");
        stream.RejectUnknownKeys();
        if (hasListen == hasConnect)
        {
            diagnostics.Add(stream.Node, $"stream attach of {owner} needs exactly one of listen, connect (a Unix socket path or HOST:PORT)");
            return null;
        }
        if ((listen ?? connect) is null)
        {
            return null;   // an empty or non-scalar value, already reported
        }
        string address = listen ?? connect!;
        var spec = new StreamAttach(address, Listen: listen is not null);
        if (!spec.IsUnix && !System.Net.IPEndPoint.TryParse(address, out _) && !LooksLikeHostPort(address))
        {
            diagnostics.Add(stream.Node, $"stream address '{address}' is neither a socket path nor HOST:PORT");
            return null;
        }
        return spec;
    }

    private static bool LooksLikeHostPort(string address)
    {
        int colon = address.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(address.AsSpan(colon + 1), out ushort port) && port != 0;
    }

    // afpacket and tap on one name would fight over the same interface, so both claim "if:NAME".
    private static string Target(AttachSpec spec) => spec switch
    {
        AfPacketAttach a => $"if:{a.Interface}",
        TapAttach t => $"if:{t.Interface}",
        StreamAttach s => $"stream:{s.Address}",
        _ => spec.Describe(),
    };
}
