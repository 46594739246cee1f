// The settings of a flow monitor (the `flow_export:` block of the appliance's file, in engine terms).
namespace Hairpin.Bridge.Core.Flows;

public sealed record FlowMonitorOptions
{
    public const int DefaultCapacity = 65_536;
    public const int DefaultRecordQueueCapacity = 8_192;

    /// <summary>Flows the cache holds at once; a new flow beyond that reports the least recently seen one early.</summary>
    public int Capacity { get; init; } = DefaultCapacity;
    /// <summary>A flow still running after this long is reported and starts a new record (NetFlow's active timeout).</summary>
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>A flow with no frame for this long is reported and leaves the cache.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>1 in N frames is accounted (1: every frame); counts are of the sampled frames, not scaled.</summary>
    public int SamplingInterval { get; init; } = 1;
    /// <summary>Finished records waiting for the exporter; beyond that a record is lost and counted.</summary>
    public int RecordQueueCapacity { get; init; } = DefaultRecordQueueCapacity;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SamplingInterval, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ActiveTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
    }
}
