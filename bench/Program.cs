// `dotnet run -c Release --project bench -- --gate` runs the CI budget gate; anything else goes to
// BenchmarkDotNet's own switcher (e.g. `-- --filter '*Unicast*'`).
using BenchmarkDotNet.Running;
using Hairpin.Benchmarks;

if (args.Contains("--profile"))
{
    ProfileLoop.Run(args[^1]);
    return 0;
}
if (args.Contains("--gate"))
{
    return BudgetGate.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(BudgetGate).Assembly).Run(args);
return 0;
