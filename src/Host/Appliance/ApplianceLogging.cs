// Logs go to stderr (stdout stays for command output), one line each, through
// Microsoft.Extensions.Logging, at the level the operator asks for (--log-level, default information).
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Hairpin.Host.Appliance;

internal static class ApplianceLogging
{
    public static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
            options.UseUtcTimestamp = true;
        })
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));

    public static bool TryParseLevel(string text, out LogLevel level) =>
        Enum.TryParse(text, ignoreCase: true, out level) && Enum.IsDefined(level);
}
