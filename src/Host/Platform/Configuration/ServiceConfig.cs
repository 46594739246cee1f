// The `management:` and `metrics:` settings, the same in the bridge's and the dumb vswitch's files
// (ServiceSettingsReader reads them), so both programs' configs name one pair of records.
namespace Hairpin.Host.Configuration;

public sealed record ManagementConfig
{
    public const string DefaultSocket = "/run/hairpin/bridge.sock";

    public string Socket { get; init; } = DefaultSocket;
    /// <summary>A group whose members may use the socket besides root (mode 0660); null: root only (0600).</summary>
    public string? Group { get; init; }
}

public sealed record MetricsConfig
{
    /// <summary>Loopback address and port for Prometheus text at /metrics, e.g. "127.0.0.1:9417"; null: off.</summary>
    public string? Prometheus { get; init; }
}
