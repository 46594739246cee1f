// Live or trace: the receive path is generic over its mode, so one path both forwards frames and
// explains them (`hairpin trace`). The mode is a struct, so the JIT compiles the path once per mode
// and, in the live one, every `if (TMode.Tracing)` branch and every call to the trace sink in it is
// removed: forwarding pays nothing for being traceable.
namespace Hairpin.Bridge.Core.Forwarding;

internal interface IReceiveMode
{
    /// <summary>True in trace mode: side effects off (no learning, counters, tokens, buffers, queues), decisions told to the context's sink.</summary>
    static abstract bool Tracing { get; }
}

/// <summary>Forwarding for real.</summary>
internal readonly struct LiveMode : IReceiveMode
{
    public static bool Tracing => false;
}

/// <summary>`hairpin trace`: the same stages on a copy of the frame, each decision recorded, nothing changed.</summary>
internal readonly struct TraceMode : IReceiveMode
{
    public static bool Tracing => true;
}
