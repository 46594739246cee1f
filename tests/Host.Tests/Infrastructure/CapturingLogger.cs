// An ILogger that keeps every entry with its level, event id, message and structured values, so a test
// can assert that a log line happened, at which level, naming what (thread-safe: transports log from
// their own threads).
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class CapturingLogger : ILogger
{
    private readonly List<Entry> _entries = [];

    public sealed record Entry(LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values)
    {
        public string? this[string name] => Values.TryGetValue(name, out object? value) ? value?.ToString() : null;
    }

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                values[pair.Key] = pair.Value;
            }
        }
        lock (_entries)
        {
            _entries.Add(new Entry(logLevel, eventId, formatter(state, exception), values));
        }
    }
}
