// Sizes fixed when an engine is built (tables and rings are allocated once, never on the data path).
namespace Hairpin.Bridge.Core.Configuration;

public sealed record BridgeEngineOptions
{
    /// <summary>Learned plus static FDB entries the table can hold.</summary>
    public int FdbCapacity { get; init; } = 65_536;
    /// <summary>Static entries (`fdb add ... static`) allowed beside the learned ones.</summary>
    public int MaxStaticEntries { get; init; } = 4_096;
    /// <summary>Frames waiting per egress port between two drains.</summary>
    public int EgressQueueCapacity { get; init; } = 1_024;
    /// <summary>Link-local frames waiting for the control plane.</summary>
    public int ControlPlaneQueueCapacity { get; init; } = 256;
    /// <summary>Largest frame a pooled buffer holds (for validation of MaxFrameSize).</summary>
    public int FrameCapacity { get; init; } = 2_048;
    /// <summary>The bridge's own MAC (source of its loop probes); null picks a random locally administered one.</summary>
    public Headers.MacAddress? BridgeAddress { get; init; }
}
