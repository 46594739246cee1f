// An IVepaEgress that only counts: what the allocation test runs frames into.
using Hairpin.DumbVswitch.Vepa;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class CountingEgress : IVepaEgress
{
    public long ToUplink { get; private set; }
    public long ToVms { get; private set; }

    public EgressOutcome SendToUplink(ReadOnlySpan<byte> frame)
    {
        ToUplink++;
        return EgressOutcome.Sent;
    }

    public EgressOutcome SendToVm(int vm, ReadOnlySpan<byte> frame)
    {
        ToVms++;
        return EgressOutcome.Sent;
    }
}
