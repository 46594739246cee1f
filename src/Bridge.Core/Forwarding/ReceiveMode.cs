// Live or trace: the receive path is generic over its mode, so one path both forwards frames and
// explains them (`hairpin trace`), and reports each frame's disposition only to a caller that asks.
// The mode is a struct, so the JIT compiles the path once per mode and, in the live one, every
// `if (TMode.Tracing)` branch, every call to the trace sink and the disposition bookkeeping are
// removed: forwarding pays nothing for being traceable or reportable.
namespace Hairpin.Bridge.Core.Forwarding;

internal interface IReceiveMode
{
    /// <summary>True in trace mode: side effects off (no learning, counters, tokens, buffers, queues), decisions told to the context's sink.</summary>
    static abstract bool Tracing { get; }

    /// <summary>True when the caller wants each frame's disposition; otherwise the bookkeeping for it is left out.</summary>
    static abstract bool Reports { get; }
}

/// <summary>Forwarding for real.</summary>
internal readonly struct LiveMode : IReceiveMode
{
    public static bool Tracing => false;

    public static bool Reports => false;
}

/// <summary>Forwarding for real, each frame's disposition written down (ProcessBatch with dispositions).</summary>
internal readonly struct ReportingMode : IReceiveMode
{
    public static bool Tracing => false;

    public static bool Reports => true;
}

/// <summary>`hairpin trace`: the same stages on a copy of the frame, each decision recorded, nothing changed.</summary>
internal readonly struct TraceMode : IReceiveMode
{
    public static bool Tracing => true;

    public static bool Reports => true;
}
