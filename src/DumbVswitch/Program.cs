// Entry point of `dumb-vswitch --config FILE` (being built: see the VEPA switch under Vepa/).
namespace Hairpin.DumbVswitch;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine($"dumb-vswitch: not implemented yet ({args.Length} arguments ignored)");
        return 2;
    }
}
