// Entry point of `dumb-vswitch --config FILE`. All logic lives in VswitchCli so tests can run it in-process.
using Hairpin.DumbVswitch.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch;

internal static class Program
{
    public static int Main(string[] args) =>
        VswitchCli.Run(args, Console.Out, Console.Error, DumbVswitchConfigLoader.Load, TransportFactory.Create);
}
