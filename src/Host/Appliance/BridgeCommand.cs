// `hairpin bridge --config FILE`: runs the appliance until SIGTERM or Ctrl-C. A config error names
// file, line and reason and exits 1; SIGHUP (or `hairpin config reload`) reloads, and a bad file is
// rejected while the running bridge keeps forwarding.
using System.Runtime.InteropServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Tracing;
using Hairpin.Host.Tracing;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Runtime;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Appliance;

internal static partial class BridgeCommand
{
    public const string Usage =
        """
          bridge    --config FILE [--log-level LEVEL]
                    run the bridge appliance (SIGHUP reloads FILE; SIGTERM or Ctrl-C stops it)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? file = null;
        LogLevel level = LogLevel.Information;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length:
                    file = args[++i];
                    break;
                case "--log-level" when i + 1 < args.Length && ApplianceLogging.TryParseLevel(args[i + 1], out level):
                    i++;
                    break;
                default:
                    stderr.WriteLine($"hairpin bridge: unexpected '{args[i]}' (usage: hairpin bridge --config FILE [--log-level trace|debug|information|warning|error])");
                    return Cli.UsageError;
            }
        }
        if (file is null)
        {
            stderr.WriteLine("hairpin bridge: --config FILE is required");
            return Cli.UsageError;
        }
        HostConfig config;
        try
        {
            config = HostConfigLoader.Load(file);
        }
        catch (ConfigException error)
        {
            WriteErrors(stderr, error);
            return 1;
        }
        try
        {
            return RunAsync(config, level, stdout).GetAwaiter().GetResult();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException
            or System.Net.Sockets.SocketException or System.Net.HttpListenerException)
        {
            // Start-up problems the operator can fix (socket in use, metrics port taken, no permission): one line.
            stderr.WriteLine($"hairpin bridge: {error.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(HostConfig config, LogLevel level, TextWriter stdout)
    {
        using ILoggerFactory logs = ApplianceLogging.Create(level);
        ILogger log = logs.CreateLogger("hairpin");
        using var stop = new CancellationTokenSource();
        // Whatever may still refuse to start (metrics port taken, socket served by another bridge) does so
        // before the first frame moves: a start that fails must not have said it was forwarding.
        await using ApplianceServices services = ApplianceServices.Start(config, BridgeMetrics.MeterName);
        await using IVsiStore? store = VsiStoreFactory.Create(config, logs);
        await using BridgeRuntime runtime = BridgeRuntime.Create(config, logs, TransportFactory.Create, store: store);
        await runtime.RestoreFromStoreAsync(stop.Token).ConfigureAwait(false);   // its VSIs held again, its counters continued, before the first frame
        using var metrics = new BridgeMetrics(runtime);
        var control = new BridgeControl(runtime, HostConfigLoader.Load, Trace, PortSave.Prepare, services, logs.CreateLogger("hairpin.config"));
        // Signals before the socket: its appearing tells scripts (and tests) the bridge is ready, and a
        // SIGHUP that came before its handler would end the process (the default action).
        using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            Reload(control, log);
        });
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        await using ManagementServer server = ManagementServer.Start(control, config.Management, logs.CreateLogger("hairpin.management"));
        runtime.StartForwarding();
        await stdout.WriteLineAsync($"hairpin bridge: {config.Attachments.Count} ports from {config.SourceFile}; management socket {config.Management.Socket}").ConfigureAwait(false);
        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogStopping(log);
        }
        return Cli.Success;
    }

    /// <summary>SIGHUP: the same reload as `config reload`, which logs and counts its outcome itself.</summary>
    private static void Reload(BridgeControl control, ILogger log)
    {
        try
        {
            control.Reload("SIGHUP");
        }
        catch (ManagementException)
        {
            // Refused: logged (file:line:column) and counted by Reload; the running configuration stays.
        }
#pragma warning disable CA1031 // An exception out of a signal handler ends the process, and with it forwarding.
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogReloadCrashed(log, error);
        }
    }

    /// <summary>`hairpin trace`: the CLI's frame words parsed here, traced on the forwarding thread (the caller's).</summary>
    private static TraceResult Trace(BridgeEngine engine, int port, IReadOnlyList<string> spec)
    {
        byte[] frame;
        try
        {
            frame = FrameSpec.Parse([.. spec]);
        }
        catch (FrameSpecException error)
        {
            throw new ManagementException(error.Message);
        }
        FrameTrace trace = engine.Trace(port, frame);
        string[] names = [.. engine.Config.Ports.Select(p => p.Name)];
        return new TraceResult(
            [.. TraceRenderer.Render(trace, names)],
            trace.AclMatches.Count > 0 && trace.AclMatches[^1] is TracedAclMatch match ? $"{match.Acl}/{match.RuleName}" : null,
            [.. trace.Verdict.Ports.Select(p => names[p])],
            trace.Verdict.Reason is DropReason reason ? DropReasons.Name(reason) : null);
    }

    private static void WriteErrors(TextWriter stderr, ConfigException error)
    {
        if (error.Errors.Count == 0)
        {
            stderr.WriteLine(error.Message);
        }
        foreach (ConfigError line in error.Errors)
        {
            stderr.WriteLine(line.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping")]
    private static partial void LogStopping(ILogger log);

    [LoggerMessage(Level = LogLevel.Error, Message = "SIGHUP reload failed unexpectedly; the running configuration stays")]
    private static partial void LogReloadCrashed(ILogger log, Exception exception);

}
