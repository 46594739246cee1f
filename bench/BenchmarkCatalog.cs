// Every benchmark case in this assembly under the name the budget gate prints and bench/budget.json
// uses ("Type.Method" or "Type.Method([Param=value])"), so a child process can find a case by name.
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace Hairpin.Benchmarks;

internal static class BenchmarkCatalog
{
    /// <summary>The case's name as budget.json spells it.</summary>
    public static string NameOf(BenchmarkCase benchmark) =>
        $"{benchmark.Descriptor.Type.Name}.{benchmark.Descriptor.WorkloadMethod.Name}"
        + (benchmark.HasParameters ? $"({benchmark.Parameters.DisplayInfo})" : "");

    /// <summary>The case named <paramref name="name"/>, or null when no benchmark has that name.</summary>
    public static BenchmarkCase? Find(string name)
    {
        string typeName = name.Split('.')[0];
        Type? type = typeof(BenchmarkCatalog).Assembly.GetTypes().FirstOrDefault(candidate =>
            candidate.Name == typeName
            && candidate.GetMethods().Any(method => method.GetCustomAttribute<BenchmarkAttribute>() is not null));
        return type is null
            ? null
            : BenchmarkConverter.TypeToBenchmarks(type).BenchmarksCases.FirstOrDefault(benchmark => NameOf(benchmark) == name);
    }
}
