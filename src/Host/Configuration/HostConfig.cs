// The appliance's whole configuration as loaded from its YAML file: the engine's BridgeConfig, where
// each port attaches, and the management, metrics and logging settings around it.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Configuration;

public sealed record HostConfig
{
    private readonly StoreConfig? _store;

    /// <summary>The file it was loaded from (named in errors and by `config reload`).</summary>
    public required string SourceFile { get; init; }
    public required BridgeConfig Bridge { get; init; }
    /// <summary>Where each port attaches, by port name, in port order.</summary>
    public required IReadOnlyList<PortAttachment> Attachments { get; init; }
    public ManagementConfig Management { get; init; } = new();
    public MetricsConfig Metrics { get; init; } = new();
    /// <summary>Ports running the 802.1Qbg control plane (`evb:`), in port order.</summary>
    public IReadOnlyList<EvbPortConfig> Evb { get; init; } = [];
    /// <summary>The VSI types (port profiles) stations may associate VMs with.</summary>
    public IReadOnlyList<VsiTypeConfig> VsiTypes { get; init; } = [];
    /// <summary>
    /// Where VSI state is kept (`store:`): the embedded file by default, or etcd. Fixed until restart.
    /// A configuration built in code without one gets the embedded store at its default path.
    /// </summary>
    public StoreConfig Store
    {
        get => _store ?? new StoreConfig.Embedded(EmbeddedStorePath.Default(SourceFile));
        init => _store = value;
    }
    /// <summary>Mirroring sessions (`monitor_sessions:`), started with the bridge and on each reload.</summary>
    public IReadOnlyList<Management.MonitorSessionConfig> MonitorSessions { get; init; } = [];
    /// <summary>IPFIX flow export (`flow_export:`); null: off. Fixed until restart.</summary>
    public FlowExportConfig? FlowExport { get; init; }
    /// <summary>MVRP (`mvrp:` on ports, and the bridge's timers); null: no port runs it. Fixed until restart.</summary>
    public MvrpConfig? Mvrp { get; init; }
    /// <summary>Things worth a look that do not stop the bridge, e.g. ACL rules that can never match.</summary>
    public IReadOnlyList<ConfigError> Warnings { get; init; } = [];
}

public sealed record PortAttachment(string Port, AttachSpec Attach);
