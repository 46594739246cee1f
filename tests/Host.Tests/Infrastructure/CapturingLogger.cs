// A logger factory that keeps every line written through it, with level, event and structured
// fields, so tests can assert that something was logged and how (the appliance logs through
// Microsoft.Extensions.Logging only). Thread-safe: the forwarding thread logs while tests read.
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed record CapturedLine(string Category, LogLevel Level, EventId Event, string Message, IReadOnlyDictionary<string, object?> Fields)
{
    /// <summary>A structured field as text, or null when the line has none of that name.</summary>
    public string? this[string name] => Fields.TryGetValue(name, out object? value) ? value?.ToString() : null;
}

public sealed class CapturingLogger : ILoggerProvider
{
    private readonly List<CapturedLine> _lines = [];

    public CapturingLogger() => Factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    /// <summary>A factory whose loggers all write here.</summary>
    public ILoggerFactory Factory { get; }

    public IReadOnlyList<CapturedLine> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(CapturedLine line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    private sealed class Logger(CapturingLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Where(pair => pair.Key != "{OriginalFormat}").ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal)
                : [];
            owner.Add(new CapturedLine(category, logLevel, eventId, formatter(state, exception), fields));
        }
    }
}
