// `dotnet run -c Release --project bench -- --gate` runs the CI budget gate; anything else goes to
// BenchmarkDotNet's own switcher (e.g. `-- --filter '*Unicast*'`).
using BenchmarkDotNet.Running;
using Hairpin.Benchmarks;

if (args.Contains("--profile"))
{
    int at = Array.IndexOf(args, "--profile");
    ProfileLoop.Run(args[at + 1], args.Length > at + 2 ? int.Parse(args[at + 2], System.Globalization.CultureInfo.InvariantCulture) : 0);
    return 0;
}
if (args.Length == 3 && args[0] == PairedRatioProcess.Flag)
{
    // One of the gate's children: a single paired ratio, printed alone.
    return PairedRatioProcess.Run(args[1], args[2]);
}
if (args.Contains("--gate"))
{
    return BudgetGate.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(BudgetGate).Assembly).Run(args);
return 0;
