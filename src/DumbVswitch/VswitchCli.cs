// Command line of `dumb-vswitch`: parse, load the config, run until SIGTERM/SIGINT. Exit codes as
// getopt-style tools use them: 0 clean stop, 1 failure (config, transport), 2 usage error.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Management;
using Hairpin.DumbVswitch.Metrics;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Hairpin.DumbVswitch;

internal static class VswitchCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    private const string Usage =
        """
        usage: dumb-vswitch --config FILE

        A VEPA vswitch for a hypervisor (as Linux macvlan in VEPA mode): every frame from a VM goes to
        the uplink, frames from the uplink go to the VMs. Logs to stderr; stops on SIGTERM or Ctrl-C.
        `hairpin --socket SOCKET link show`, `stats`, and with 802.1Qbg (`evb:`, a VM's `vsi:`)
        `lldp neighbors` and `vsi show` work against its management socket (management.socket in the
        config file).

        """;

    /// <param name="stop">Stops the vswitch (tests); null: SIGTERM and SIGINT do.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, DumbVswitchConfig> loadConfig,
        Func<AttachSpec, IPortTransport> createTransport, CancellationToken? stop = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(loadConfig);

        if (args is ["--help" or "-h"])
        {
            stdout.Write(Usage);
            return Success;
        }
        string? path = args switch
        {
            ["--config", var file] => file,
            [var single] when single.StartsWith("--config=", StringComparison.Ordinal) => single["--config=".Length..],
            _ => null,
        };
        if (string.IsNullOrEmpty(path))
        {
            stderr.WriteLine(args.Length == 0
                ? "dumb-vswitch: --config FILE is required (try 'dumb-vswitch --help')"
                : $"dumb-vswitch: unexpected arguments '{string.Join(' ', args)}' (try 'dumb-vswitch --help')");
            return UsageError;
        }

        DumbVswitchConfig config;
        try
        {
            config = loadConfig(path);
        }
        catch (ConfigException error) when (error.Errors.Count > 0)
        {
            // FILE:LINE:COLUMN: reason, one per line and nothing before it, as compilers write them (editors jump there).
            foreach (ConfigError line in error.Errors)
            {
                stderr.WriteLine(line.ToString());
            }
            return Failure;
        }
#pragma warning disable CA1031 // whatever the loader throws (I/O, YAML, validation) is reported, not a crash
        catch (Exception exception)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"dumb-vswitch: {exception.Message}");
            return Failure;
        }

        using ILoggerFactory logging = LoggerFactory.Create(builder => builder
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
            })
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
        ILogger logger = logging.CreateLogger("dumb-vswitch");
        using var signalled = new CancellationTokenSource();
        using CancellationTokenRegistration external = stop?.Register(signalled.Cancel) ?? default;
        using PosixSignalRegistration? term = stop is null ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal) : null;
        using PosixSignalRegistration? interrupt = stop is null ? PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal) : null;
        // SIGHUP's default action ends the process: an operator reloading "every hairpin process" must not stop the VMs' traffic.
        using PosixSignalRegistration? hangup = stop is null ? PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup) : null;

        try
        {
            using var runtime = new DumbVswitchRuntime(config, createTransport, logger);
            using var metrics = new VswitchMetrics(runtime);
            using PrometheusEndpointLease prometheus = new(config.Metrics.Prometheus);
            ManagementServer management = ManagementServer.Start(new VswitchControl(runtime), config.Management, logger);
            try
            {
                runtime.RunAsync(signalled.Token).GetAwaiter().GetResult();
            }
            finally
            {
                management.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return Success;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or NotSupportedException
            or IOException or UnauthorizedAccessException or SocketException or System.Net.HttpListenerException)
        {
            stderr.WriteLine($"dumb-vswitch: {exception.Message}");
            return Failure;
        }

        void OnHangup(PosixSignalContext context)
        {
            context.Cancel = true;
            RuntimeLog.HangupIgnored(logger, path);
        }

        void OnSignal(PosixSignalContext context)
        {
            // Handled here: the runtime shuts down and Main returns, instead of the process being killed.
            context.Cancel = true;
            signalled.Cancel();
        }
    }
}
