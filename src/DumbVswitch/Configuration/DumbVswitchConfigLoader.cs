// Loads `dumb-vswitch --config FILE`, with the bridge's YAML kit (Host.Platform), attach parsing and located errors
// (FILE:LINE:COLUMN, every problem at once, unknown keys with the nearest known one). The 802.1Qbg
// keys (`evb:`, a VM's `vsi:`) are StationConfigReader's.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Configuration.Yaml;
using Hairpin.Host.Transports;
using YamlDotNet.RepresentationModel;

namespace Hairpin.DumbVswitch.Configuration;

public static class DumbVswitchConfigLoader
{
    /// <summary>Loads <paramref name="path"/>; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static DumbVswitchConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new ConfigDiagnostics(path);
        YamlMappingNode? root = YamlFile.LoadRoot(path, diagnostics);
        diagnostics.ThrowIfAny();
        return Read(root!, diagnostics);
    }

    /// <summary>Loads YAML text as if it were the file <paramref name="sourceFile"/>.</summary>
    public static DumbVswitchConfig Parse(string yaml, string sourceFile)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var diagnostics = new ConfigDiagnostics(sourceFile);
        YamlMappingNode? root = YamlFile.Parse(yaml, diagnostics);
        diagnostics.ThrowIfAny();
        return Read(root!, diagnostics);
    }

    private static DumbVswitchConfig Read(YamlMappingNode rootNode, ConfigDiagnostics diagnostics)
    {
        var root = YamlMap.Of(rootNode, "the file", diagnostics);
        var attach = new AttachParser(diagnostics);
        // The uplink claims its interface first, so a VM on the same one is the one reported.
        AttachSpec? uplink = root.Get("uplink") is YamlNode uplinkNode ? attach.Parse(uplinkNode, "the uplink") : null;
        if (!root.Has("uplink"))
        {
            diagnostics.Add(rootNode, "the file needs 'uplink:', where frames go to the bridge, e.g. { afpacket: eth1 }");
        }
        List<VmConfig> vms = ReadVms(root, attach, diagnostics);
        // A VM with `vsi:` needs the uplink to speak 802.1Qbg: `evb:` is implied, with lldpad's timers.
        StationConfig? evb = root.Get("evb") is YamlNode evbNode ? StationConfigReader.ReadEvb(evbNode, diagnostics)
            : vms.Any(vm => vm.Vsi is not null) ? new StationConfig() : null;
        var defaults = new DumbVswitchConfig { SourceFile = diagnostics.File, Uplink = uplink!, Vms = vms, Evb = evb };
        ManagementConfig management = ServiceSettingsReader.Management(root.Map("management", "management"), defaults.Management);
        MetricsConfig metrics = ServiceSettingsReader.Metrics(root.Map("metrics", "metrics"));
        root.RejectUnknownKeys();
        diagnostics.ThrowIfAny();
        return defaults with { Management = management, Metrics = metrics };
    }

    private static List<VmConfig> ReadVms(YamlMap root, AttachParser attach, ConfigDiagnostics diagnostics)
    {
        var vms = new List<VmConfig>();
        YamlNode? vmsNode = root.Get("vms");
        if (vmsNode is null)
        {
            diagnostics.Add(root.Node, "the file needs 'vms:', a list of at least one VM (name, mac and attach)");
            return vms;
        }
        IReadOnlyList<YamlNode> items = root.List("vms");
        if (vmsNode is YamlSequenceNode && items.Count == 0)
        {
            diagnostics.Add(vmsNode, "vms is empty: list at least one VM");
        }
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var macs = new Dictionary<(MacAddress, int?), string>();
        var owners = new Dictionary<MacAddress, VmConfig>();
        var uuids = new Dictionary<Guid, string>();
        for (int i = 0; i < items.Count; i++)
        {
            if (ReadVm(items[i], i, attach, diagnostics) is not VmConfig vm)
            {
                continue;
            }
            var map = (YamlMappingNode)items[i];
            if (!names.TryAdd(vm.Name, i))
            {
                diagnostics.Add(map.Children[new YamlScalarNode("name")], $"VM name '{vm.Name}' is already used by vms[{names[vm.Name]}]");
                continue;
            }
            // Frames from the uplink are delivered by destination MAC (and VLAN): two owners is ambiguous.
            if (!macs.TryAdd((vm.Mac, vm.Vlan), vm.Name))
            {
                diagnostics.Add(map.Children[new YamlScalarNode("mac")], $"MAC {vm.Mac} is already VM {macs[(vm.Mac, vm.Vlan)]}'s in the same VLAN");
                continue;
            }
            // The bridge may put a VSI in any VLAN, so its MAC must be unambiguous in all of them.
            if (owners.TryGetValue(vm.Mac, out VmConfig? owner) && (vm.Vsi is not null || owner.Vsi is not null))
            {
                diagnostics.Add(map.Children[new YamlScalarNode("mac")],
                    $"MAC {vm.Mac} is already VM {owner.Name}'s: a VM with 'vsi:' needs a MAC no other VM has (the bridge may give it any VLAN)");
                continue;
            }
            owners.TryAdd(vm.Mac, vm);
            if (vm.Vsi is VsiConfig vsi && !uuids.TryAdd(vsi.Uuid, vm.Name))
            {
                diagnostics.Add(map.Children[new YamlScalarNode("vsi")], $"VSI {vsi.Uuid} is already VM {uuids[vsi.Uuid]}'s");
                continue;
            }
            vms.Add(vm);
        }
        return vms;
    }

    private static VmConfig? ReadVm(YamlNode node, int index, AttachParser attach, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"vms[{index}]", diagnostics) is not YamlMap first)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        string? name = first.Require("name") is YamlNode nameNode && YamlMap.TryParse(nameNode, "name", ConfigScalars.Name, diagnostics, out string? parsed) ? parsed : null;
        string what = name is null ? $"vms[{index}]" : $"VM {name}";
        var map = YamlMap.Of(first.Node, what, diagnostics);
        map.Get("name");
        map.Require("mac");
        MacAddress? mac = map.Value("mac", ConfigScalars.UnicastMac);
        AttachSpec? spec = map.Require("attach") is YamlNode attachNode ? attach.Parse(attachNode, what) : null;
        int? vlan = map.Value("vlan", ConfigScalars.VlanId);
        bool antiSpoofing = map.Bool("anti_spoofing") ?? true;
        VsiConfig? vsi = map.Get("vsi") is YamlNode vsiNode ? StationConfigReader.ReadVsi(vsiNode, what, diagnostics) : null;
        map.RejectUnknownKeys();
        return diagnostics.Count == errorsBefore && name is not null && mac is MacAddress address && spec is not null
            ? new VmConfig(name, address, spec, vlan, antiSpoofing, vsi)
            : null;
    }
}
