// A benchmark case outside BenchmarkDotNet's harness: a fresh instance with its parameters set and its
// global setup run, and its workload as a delegate. ThreadAllocation counts bytes through it and
// PairedRatio times two cases against each other through it.
using System.Reflection;
using BenchmarkDotNet.Running;

namespace Hairpin.Benchmarks;

internal sealed class BenchmarkInstance : IDisposable
{
    private readonly BenchmarkCase _benchmark;
    private readonly object _instance;

    public BenchmarkInstance(BenchmarkCase benchmark)
    {
        _benchmark = benchmark;
        Type type = benchmark.Descriptor.Type;
        _instance = Activator.CreateInstance(type)!;
        foreach (var parameter in benchmark.Parameters.Items)
        {
            MemberInfo? member = type.GetMember(parameter.Name, BindingFlags.Public | BindingFlags.Instance).FirstOrDefault();
            switch (member)
            {
                case PropertyInfo property:
                    property.SetValue(_instance, parameter.Value);
                    break;
                case FieldInfo field:
                    field.SetValue(_instance, parameter.Value);
                    break;
            }
        }
        benchmark.Descriptor.GlobalSetupMethod?.Invoke(_instance, null);
        Workload = (Action)Delegate.CreateDelegate(typeof(Action), _instance, benchmark.Descriptor.WorkloadMethod);
    }

    /// <summary>One invocation: <see cref="OperationsPerInvoke"/> frames.</summary>
    public Action Workload { get; }

    public int OperationsPerInvoke => _benchmark.Descriptor.OperationsPerInvoke;

    public void Dispose() => _benchmark.Descriptor.GlobalCleanupMethod?.Invoke(_instance, null);
}
