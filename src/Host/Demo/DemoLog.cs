// The appliances' log in the in-process story: QbgPlane and MvrpPlane write to it through ILogger as
// they write to stderr in the appliance, and the story prints what they said at each step, stamped
// with the demo's clock (the real log's UTC stamps would change every run).
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Demo;

/// <summary>One log line: when (protocol time), which appliance wrote it, and its message.</summary>
internal sealed record DemoLogLine(TimeSpan At, string Appliance, string Message);

/// <summary>Collects Information and above. Not thread-safe: the story drives it from one flow.</summary>
internal sealed class DemoLog(Func<TimeSpan> now)
{
    public List<DemoLogLine> Lines { get; } = [];

    /// <summary>The logger one appliance's planes write to.</summary>
    public ILogger For(string appliance) => new Writer(this, appliance);

    private void Add(string appliance, string message) => Lines.Add(new DemoLogLine(now(), appliance, message));

    private sealed class Writer(DemoLog log, string appliance) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                log.Add(appliance, formatter(state, exception));
            }
        }
    }
}
