// A compiled, immutable BridgeConfig: every per-port and per-VLAN decision the data path needs,
// worked out once when the configuration changes (snabb's per-port egress lists, VPP's feature
// bitmaps), never per frame.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding;

internal sealed class ForwardingPlan
{
    private const int VidCount = 4096;

    private ForwardingPlan(BridgeConfig config, PortPlan[] ports)
    {
        Config = config;
        Ports = ports;
    }

    public BridgeConfig Config { get; }
    /// <summary>Per port: the compiled ingress and egress ACLs (null: none).</summary>
    public CompiledAcl?[] IngressAcls { get; private init; } = [];
    public CompiledAcl?[] EgressAcls { get; private init; } = [];
    /// <summary>Per port: ACLs bound to VMs behind it, keyed by (VID &lt;&lt; 48) | MAC (null: none).</summary>
    public Dictionary<ulong, CompiledAcl>?[] VmAcls { get; private init; } = [];
    /// <summary>Policers by index (ports, VMs and ACL rules refer to them by index); kept across publishes when unchanged.</summary>
    public Policer[] Policers { get; private init; } = [];
    /// <summary>Per port: policers bound to VMs behind it, keyed like <see cref="VmAcls"/> (null: none).</summary>
    public Dictionary<ulong, int>?[] VmPolicers { get; private init; } = [];
    /// <summary>Per port: the VSIs (802.1Qbg) associated there, keyed like <see cref="VmAcls"/>, to their index in <see cref="VsiNames"/> (null: none).</summary>
    public Dictionary<ulong, int>?[] VsiBindings { get; private init; } = [];
    /// <summary>Every VSIID bound on some port, by index.</summary>
    public string[] VsiNames { get; private init; } = [];
    /// <summary>Counters by VSI index: fresh at compile; the engine puts in the ones it keeps by VSIID when it switches to the plan.</summary>
    public VsiCounters[] VsiCounters { get; private init; } = [];
    /// <summary>Named ACL counters (`count NAME`): names, then frames and bytes by index.</summary>
    public string[] CounterNames { get; private init; } = [];
    public long[] CounterFrames { get; private init; } = [];
    public long[] CounterBytes { get; private init; } = [];
    /// <summary>Mirroring sessions ACL rules name (`mirror: SESSION`), by index; the engine finds the running ones per batch.</summary>
    public string[] MirrorSessionNames { get; private init; } = [];
    /// <summary>Traffic class of each priority 0..7.</summary>
    public byte[] ClassOfPriority { get; private init; } = [];
    /// <summary>Contradictory and shadowed ACL rules, reported when the configuration loads.</summary>
    public IReadOnlyList<string> AclWarnings { get; private init; } = [];
    /// <summary>Every ACL of the configuration, compiled, by name (what the next publish may keep).</summary>
    public IReadOnlyDictionary<string, CompiledAcl> CompiledAcls { get; private init; } = new Dictionary<string, CompiledAcl>();
    public int PortCount => Ports.Length;
    public PortPlan[] Ports { get; }
    /// <summary>Per VID: the ports that are members.</summary>
    public ulong[] VlanMembers { get; } = new ulong[VidCount];
    /// <summary>Per VID: the ports that send it untagged.</summary>
    public ulong[] VlanUntagged { get; } = new ulong[VidCount];
    /// <summary>Egress flood flags: ports that accept flooded unknown unicast, multicast, broadcast.</summary>
    public ulong UnknownUnicastFloodPorts { get; private set; }
    public ulong MulticastFloodPorts { get; private set; }
    public ulong BroadcastFloodPorts { get; private set; }
    /// <summary>Hairpin ports with the ping-pong guard on: floods from other ports out of them are remembered.</summary>
    public ulong PingPongGuardedPorts { get; private set; }
    /// <summary>Ports whose PortPlan.PlainIngress is set (the known-unicast fast path takes their frames).</summary>
    public ulong PlainIngressPorts { get; private set; }
    /// <summary>Ports that check copies against an egress ACL (port's or a VM's) before they leave.</summary>
    public ulong EgressPolicyPorts { get; private set; }
    /// <summary>Ports where a flooded copy needs more than its queue: an egress ACL, or VSIs to count it to.</summary>
    public ulong PerCopyWorkPorts { get; private set; }
    /// <summary>Config.MaxFrameSize, a field away (the fast path reads it per frame).</summary>
    public int MaxFrameSize { get; private init; }
    public int MaxLearned { get; private init; }
    public bool MoveDampingEnabled => Config.MacMoveDamping.Enabled;
    public int MaxMoves => Config.MacMoveDamping.MaxMoves;
    public uint MoveWindowSeconds { get; private init; }
    public uint LoopRetrySeconds { get; private init; }
    public long PingPongWindowTicks { get; private init; }
    public uint MoveHoldSeconds { get; private init; }
    /// <summary>BPDU guard's first hold time in whole seconds.</summary>
    public uint BpduGuardRecoverySeconds { get; private init; }
    /// <summary>Ageing time in whole seconds, rounded up (the FDB keeps time in seconds).</summary>
    public uint AgeingSeconds { get; private init; }

    /// <summary>
    /// Validates and compiles; throws <see cref="InvalidBridgeConfigException"/> listing every problem.
    /// An ACL that compiles the same as in <paramref name="previous"/> (same rules, same resolved actions,
    /// the same ports in the same order) is that plan's compiled ACL, kept: a VM associating, a VLAN
    /// registered or a reload that leaves the ACL alone does not restart its hit counters or empty its
    /// caches, nor pay for compiling it again on the forwarding thread.
    /// </summary>
    public static ForwardingPlan Compile(BridgeConfig config, BridgeEngineOptions options, long timestampFrequency, ForwardingPlan? previous = null)
    {
        IReadOnlyList<string> errors = config.Validate(options);
        if (errors.Count > 0)
        {
            throw new InvalidBridgeConfigException(errors);
        }
        IReadOnlyList<PortConfig> ports = config.Ports;
        long now = 0;   // policers start with full buckets; the engine keeps unchanged ones across publishes
        Policer[] policers = [.. config.Meters.Select(meter => new Policer(meter, now, timestampFrequency))];
        Dictionary<string, int> meterIndexes = config.Meters.Select((meter, index) => (meter.Name, index)).ToDictionary(StringComparer.Ordinal);   // names are unique (validated)
        int MeterIndex(string name) => meterIndexes.GetValueOrDefault(name, -1);
        string[] counterNames = [.. config.Acls.SelectMany(acl => acl.Rules).Select(rule => rule.Actions.Count).OfType<string>().Distinct(StringComparer.Ordinal)];
        string[] mirrorSessionNames = [.. config.Acls.SelectMany(acl => acl.Rules).Select(rule => rule.Actions.MirrorSession).OfType<string>().Distinct(StringComparer.Ordinal)];
        var compiled = new Dictionary<string, CompiledAcl>(StringComparer.Ordinal);
        bool samePorts = previous is not null && previous.Config.Ports.Select(port => port.Name).SequenceEqual(config.Ports.Select(port => port.Name), StringComparer.Ordinal);
        foreach (AccessList acl in config.Acls)
        {
            try
            {
                CompiledAcl? kept = samePorts ? previous!.CompiledAcls.GetValueOrDefault(acl.Name) : null;
                compiled[acl.Name] = CompiledAcl.CompileOrKeep(kept, acl, config.IndexOf, MeterIndex, name => Array.IndexOf(counterNames, name), name => Array.IndexOf(mirrorSessionNames, name));
            }
            catch (ArgumentException error)
            {
                throw new InvalidBridgeConfigException([error.Message]);
            }
        }
        var vmAcls = new Dictionary<ulong, CompiledAcl>?[ports.Count];
        foreach (VmAclBinding binding in config.VmAcls)
        {
            int port = config.IndexOf(binding.Port);
            int vid = binding.Vid == 0 ? ports[port].Vlans.Pvid : binding.Vid;
            (vmAcls[port] ??= [])[VidMacKey.Of(vid, binding.Mac)] = compiled[binding.Acl];
        }
        var vmPolicers = new Dictionary<ulong, int>?[ports.Count];
        foreach (VmPolicerBinding binding in config.VmPolicers)
        {
            int port = config.IndexOf(binding.Port);
            int vid = binding.Vid == 0 ? ports[port].Vlans.Pvid : binding.Vid;
            (vmPolicers[port] ??= [])[VidMacKey.Of(vid, binding.Mac)] = MeterIndex(binding.Meter);
        }
        (Dictionary<ulong, int>?[] vsiBindings, string[] vsiNames) = CompileVsiBindings(ports);
        var plan = new ForwardingPlan(config, new PortPlan[ports.Count])
        {
            VsiBindings = vsiBindings,
            VsiNames = vsiNames,
            VsiCounters = [.. vsiNames.Select(_ => new VsiCounters())],
            Policers = policers,
            VmPolicers = vmPolicers,
            CounterNames = counterNames,
            CounterFrames = new long[counterNames.Length],
            CounterBytes = new long[counterNames.Length],
            MirrorSessionNames = mirrorSessionNames,
            ClassOfPriority = [.. config.PriorityToClass.Select(c => (byte)c)],
            IngressAcls = [.. ports.Select(port => port.IngressAcl is null ? null : compiled[port.IngressAcl].WithHeaderCache())],
            EgressAcls = [.. ports.Select(port => port.EgressAcl is null ? null : compiled[port.EgressAcl])],
            VmAcls = vmAcls,
            AclWarnings = [.. compiled.Values.SelectMany(acl => acl.Warnings)],
            CompiledAcls = compiled,
            AgeingSeconds = (uint)Math.Ceiling(config.AgeingTime.TotalSeconds),
            BpduGuardRecoverySeconds = (uint)Math.Ceiling(config.BpduGuardRecovery.TotalSeconds),
            MoveWindowSeconds = (uint)Math.Ceiling(config.MacMoveDamping.Window.TotalSeconds),
            LoopRetrySeconds = (uint)Math.Ceiling(config.LoopDetection.Retry.TotalSeconds),
            PingPongWindowTicks = (long)(config.PingPongGuard.Window.TotalSeconds * timestampFrequency),
            MoveHoldSeconds = (uint)Math.Ceiling(config.MacMoveDamping.Hold.TotalSeconds),
            MaxFrameSize = config.MaxFrameSize,
            MaxLearned = config.MaxLearned,
        };
        for (int i = 0; i < ports.Count; i++)
        {
            PortConfig port = ports[i];
            ulong bit = 1UL << i;
            plan.Ports[i] = new PortPlan
            {
                State = port.State,
                Learning = port.Learning,
                Pvid = (ushort)port.Vlans.Pvid,
                GroupForwardMask = port.GroupForwardMask,
                MvrpFrames = port.MvrpFrames,
                MaxLearned = port.MaxLearned,
                PeerMask = PeerMaskOf(i, ports),
                IsAccess = port.Vlans.IsAccess,
                GuardsPingPong = port.Hairpin && config.PingPongGuard.Enabled,
                HasIngressPolicy = port.IngressAcl is not null || config.VmAcls.Any(b => b.Port == port.Name),
                HasEgressPolicy = port.EgressAcl is not null || config.VmAcls.Any(b => b.Port == port.Name),
                BpduGuard = port.BpduGuard,
                VsiEnforced = port.Vsi.Enforced,
                HasVsiBindings = vsiBindings[i] is not null,
                ChecksVsiSource = port.Vsi.Enforced || vsiBindings[i] is not null,
                Secured = port.Security.Enabled,
                StickySecure = port.Security.Sticky,
                Violation = port.Security.Violation,
                MaxSecureMacs = port.Security.MaxMacs,
                StormControlled = port.StormControl.Enabled,
                StormBroadcastPps = port.StormControl.BroadcastPps,
                StormMulticastPps = port.StormControl.MulticastPps,
                StormUnknownUnicastPps = port.StormControl.UnknownUnicastPps,
                StormAction = port.StormControl.Action,
                TrustsTag = port.Qos.Trust != QosTrust.None,
                TrustsDscp = port.Qos.Trust == QosTrust.Dscp,
                DefaultPriorityBits = (ushort)(port.Qos.DefaultPriority << 13),
                DefaultTrafficClass = (byte)config.PriorityToClass[port.Qos.DefaultPriority],
                Policer = port.Qos.Policer is string policer ? MeterIndex(policer) : -1,
                HasIngressQos = port.Qos.Trust == QosTrust.Dscp || port.Qos.Policer is not null || vmPolicers[i] is not null
                    || (port.IngressAcl is not null && compiled[port.IngressAcl].HasActions)
                    || config.VmAcls.Any(b => b.Port == port.Name && compiled[b.Acl].HasActions),
            };
            plan.Ports[i].Stages = IngressStagePlan.Of(in plan.Ports[i]);
            plan.Ports[i].PlainIngress = plan.Ports[i].State == PortState.Forwarding && (plan.Ports[i].Stages & ~IngressStages.PingPongGuard) == 0;
            plan.Ports[i].PolicyIngress = plan.Ports[i].State == PortState.Forwarding && !plan.Ports[i].PlainIngress
                && (plan.Ports[i].Stages & ~(IngressStages.PingPongGuard | IngressStages.IngressAcl | IngressStages.IngressQos)) == 0
                && vmAcls[i] is null && vmPolicers[i] is null;
            foreach (int vid in port.Vlans.Members.Vids)
            {
                plan.VlanMembers[vid] |= bit;
            }
            foreach (int vid in port.Vlans.Untagged.Vids)
            {
                plan.VlanUntagged[vid] |= bit;
            }
            plan.UnknownUnicastFloodPorts |= port.UnknownUnicastFlood ? bit : 0;
            plan.MulticastFloodPorts |= port.MulticastFlood ? bit : 0;
            plan.BroadcastFloodPorts |= port.BroadcastFlood ? bit : 0;
            plan.PingPongGuardedPorts |= plan.Ports[i].GuardsPingPong ? bit : 0;
            plan.PlainIngressPorts |= plan.Ports[i].PlainIngress ? bit : 0;
            plan.EgressPolicyPorts |= plan.Ports[i].HasEgressPolicy ? bit : 0;
            plan.PerCopyWorkPorts |= plan.Ports[i].HasEgressPolicy || plan.Ports[i].HasVsiBindings ? bit : 0;
        }
        return plan;
    }

    /// <summary>Per port, (VID, MAC) to VSI index; the VSIIDs by index, each once however many bindings name it.</summary>
    private static (Dictionary<ulong, int>?[] Bindings, string[] Names) CompileVsiBindings(IReadOnlyList<PortConfig> ports)
    {
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var bindings = new Dictionary<ulong, int>?[ports.Count];
        for (int port = 0; port < ports.Count; port++)
        {
            foreach (VsiBinding binding in ports[port].Vsi.Bindings)
            {
                if (!indexes.TryGetValue(binding.Vsi, out int index))
                {
                    index = indexes.Count;
                    indexes.Add(binding.Vsi, index);
                }
                (bindings[port] ??= [])[VidMacKey.Of(binding.Vid, binding.Mac)] = index;
            }
        }
        return (bindings, [.. indexes.OrderBy(pair => pair.Value).Select(pair => pair.Key)]);
    }

    private static ulong PeerMaskOf(int ingress, IReadOnlyList<PortConfig> ports)
    {
        ulong mask = 0;
        for (int egress = 0; egress < ports.Count; egress++)
        {
            if (DeliveryRule.PortPairAllowed(ingress, ports[ingress], egress, ports[egress]))
            {
                mask |= 1UL << egress;
            }
        }
        return mask;
    }

    public bool IsMember(int port, int vid) => (VlanMembers[vid] & (1UL << port)) != 0;
}
