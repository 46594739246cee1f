// The whole run-time configuration of one bridge: an immutable snapshot, validated and compiled off
// the forwarding path, then published to the engine between batches.
namespace Hairpin.Bridge.Core.Configuration;

public sealed record BridgeConfig
{
    /// <summary>Port masks are 64-bit words: one bridge has at most this many ports.</summary>
    public const int MaxPorts = 64;
    /// <summary>Distinct VSIIDs bound at once: a frame carries its VSI's index in 16 bits (FrameBuffer.SourceVsi).</summary>
    public const int MaxVsis = 32_768;

    public IReadOnlyList<PortConfig> Ports { get; init; } = [];
    /// <summary>Learned entries not refreshed for this long are removed by the next sweep (Linux default 300 s).</summary>
    public TimeSpan AgeingTime { get; init; } = TimeSpan.FromSeconds(300);
    /// <summary>Bridge-wide limit on learned entries (Linux `fdb_max_learned`); at the limit traffic floods.</summary>
    public int MaxLearned { get; init; } = 65_536;
    /// <summary>
    /// Hosts (port, VLAN, MAC) whose traffic is counted per VM (`vm_counters`); 0: off, and a frame
    /// pays nothing for it. Hosts beyond the limit share one overflow bucket.
    /// </summary>
    public int VmCounters { get; init; }
    public const int MaxVmCounters = 1_048_576;
    /// <summary>Largest frame accepted, without FCS: 1500-byte MTU + 14 header + two 4-byte tags.</summary>
    public int MaxFrameSize { get; init; } = 1522;
    /// <summary>How long BPDU guard keeps a port down the first time; each repeat within ten such periods doubles it (up to 16 times).</summary>
    public TimeSpan BpduGuardRecovery { get; init; } = TimeSpan.FromSeconds(30);
    public MacMoveDamping MacMoveDamping { get; init; } = new();
    public LoopDetection LoopDetection { get; init; } = new();
    public PingPongGuard PingPongGuard { get; init; } = new();
    public IReadOnlyList<Acl.AccessList> Acls { get; init; } = [];
    public IReadOnlyList<VmAclBinding> VmAcls { get; init; } = [];
    /// <summary>Named policers, referenced by ports (`PortQos.Policer`), VMs and ACL rules (`police`).</summary>
    public IReadOnlyList<MeterConfig> Meters { get; init; } = [];
    public IReadOnlyList<VmPolicerBinding> VmPolicers { get; init; } = [];
    /// <summary>
    /// Traffic class of each priority 0..7: IEEE 802.1Q Table 8-5 for eight classes by default
    /// (priority 1, background, is below 0, best effort).
    /// </summary>
    public IReadOnlyList<int> PriorityToClass { get; init; } = DefaultPriorityToClass;

    public static readonly IReadOnlyList<int> DefaultPriorityToClass = [1, 0, 2, 3, 4, 5, 6, 7];

    private IEnumerable<string> ValidateQos()
    {
        if (PriorityToClass.Count != 8 || PriorityToClass.Any(c => c is < 0 or > 7))
        {
            yield return "priority-to-class needs eight classes, each 0..7";
        }
        var meters = new HashSet<string>(StringComparer.Ordinal);
        foreach (MeterConfig meter in Meters)
        {
            foreach (string error in meter.Validate())
            {
                yield return error;
            }
            if (!meters.Add(meter.Name))
            {
                yield return $"meter {meter.Name}: defined twice";
            }
        }
        foreach (PortConfig port in Ports)
        {
            if (port.Qos.Policer is string name && !meters.Contains(name))
            {
                yield return $"port {port.Name}: no meter named '{name}'";
            }
        }
        foreach (VmPolicerBinding binding in VmPolicers)
        {
            if (IndexOf(binding.Port) < 0)
            {
                yield return $"vm policer {binding.Mac}: no port named '{binding.Port}'";
            }
            if (!meters.Contains(binding.Meter))
            {
                yield return $"vm policer {binding.Mac}: no meter named '{binding.Meter}'";
            }
        }
    }

    private IEnumerable<string> ValidateAclReferences()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Acl.AccessList acl in Acls)
        {
            if (!names.Add(acl.Name))
            {
                yield return $"acl {acl.Name}: defined twice";
            }
        }
        foreach (PortConfig port in Ports)
        {
            foreach (string? acl in new[] { port.IngressAcl, port.EgressAcl })
            {
                if (acl is not null && !names.Contains(acl))
                {
                    yield return $"port {port.Name}: no acl named '{acl}'";
                }
            }
        }
        foreach (VmAclBinding binding in VmAcls)
        {
            if (IndexOf(binding.Port) < 0)
            {
                yield return $"vm acl {binding.Mac}: no port named '{binding.Port}'";
            }
            if (!names.Contains(binding.Acl))
            {
                yield return $"vm acl {binding.Mac}: no acl named '{binding.Acl}'";
            }
        }
    }

    /// <summary>A VM's (MAC, VID) is pinned to one port as a static FDB entry: two ports cannot both have it.</summary>
    private IEnumerable<string> ValidateVsiBindings(BridgeEngineOptions options)
    {
        var owners = new Dictionary<(ulong Mac, int Vid), string>();
        var vsis = new HashSet<string>(StringComparer.Ordinal);
        int count = 0;
        foreach (PortConfig port in Ports)
        {
            foreach (VsiBinding binding in port.Vsi.Bindings)
            {
                count += binding.IsVlanWide ? 0 : 1;   // a VLAN-wide binding pins no MAC
                vsis.Add(binding.Vsi);
                if (owners.TryGetValue((binding.Mac.Value, binding.Vid), out string? owner) && owner != port.Name)
                {
                    yield return $"vsi {binding.Vsi}: MAC {binding.Mac} in VLAN {binding.Vid} is bound on port {owner} and on port {port.Name}";
                }
                owners.TryAdd((binding.Mac.Value, binding.Vid), port.Name);
            }
        }
        if (count > options.MaxStaticEntries)
        {
            yield return $"vsi: {count} bindings, each a static FDB entry, but the FDB holds at most {options.MaxStaticEntries} static entries";
        }
        if (vsis.Count > MaxVsis)
        {
            yield return $"vsi: {vsis.Count} VSIs bound, at most {MaxVsis} are supported";
        }
    }

    /// <summary>The index of the port named <paramref name="name"/> (its number on the data path), or -1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Ports.Count; i++)
        {
            if (Ports[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Every problem with this configuration, each naming the setting; empty when usable.</summary>
    public IReadOnlyList<string> Validate(BridgeEngineOptions options)
    {
        var errors = new List<string>();
        if (Ports.Count > MaxPorts)
        {
            errors.Add($"ports: {Ports.Count} ports configured, at most {MaxPorts} are supported");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Ports.Count; i++)
        {
            PortConfig port = Ports[i];
            string where = $"ports[{i}] ({port.Name})";
            errors.AddRange(port.Validate().Select(error => $"{where}: {error}"));
            if (!names.Add(port.Name))
            {
                errors.Add($"{where}: the name is used by an earlier port");
            }
        }
        if (AgeingTime <= TimeSpan.Zero)
        {
            errors.Add($"ageing-time {AgeingTime.TotalSeconds} s must be positive");
        }
        if (VmCounters is < 0 or > MaxVmCounters)
        {
            errors.Add($"vm_counters: {VmCounters} is not 0 (off) to {MaxVmCounters}");
        }
        errors.AddRange(MacMoveDamping.Validate());
        errors.AddRange(LoopDetection.Validate());
        errors.AddRange(PingPongGuard.Validate());
        errors.AddRange(ValidateVsiBindings(options));
        errors.AddRange(ValidateAclReferences());
        errors.AddRange(ValidateQos());
        if (BpduGuardRecovery < TimeSpan.FromSeconds(1))
        {
            errors.Add($"bpdu-guard-recovery {BpduGuardRecovery.TotalSeconds} s must be at least 1 s");
        }
        if (MaxLearned < 1 || MaxLearned > options.FdbCapacity)
        {
            errors.Add($"max-learned {MaxLearned} must be between 1 and the FDB capacity ({options.FdbCapacity})");
        }
        if (MaxFrameSize < 60 || MaxFrameSize > options.FrameCapacity)
        {
            errors.Add($"max-frame-size {MaxFrameSize} must be between 60 and the buffer size ({options.FrameCapacity})");
        }
        return errors;
    }
}
