// An IVepaEgress that keeps a copy of every frame per destination, and can play a full queue or an
// absent peer for chosen ports. Allocates per frame: for behaviour tests, not the allocation test.
using Hairpin.DumbVswitch.Vepa;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class RecordingEgress : IVepaEgress
{
    public const int Uplink = -1;

    private readonly Dictionary<int, EgressOutcome> _refusals = [];

    public List<(int Port, byte[] Frame)> Sent { get; } = [];

    public IEnumerable<byte[]> To(int port) => Sent.Where(s => s.Port == port).Select(s => s.Frame);

    public int[] Ports => [.. Sent.Select(s => s.Port)];

    /// <summary>From now on, copies for <paramref name="port"/> are refused with <paramref name="outcome"/>.</summary>
    public void Refuse(int port, EgressOutcome outcome) => _refusals[port] = outcome;

    public EgressOutcome SendToUplink(ReadOnlySpan<byte> frame) => Record(Uplink, frame);

    public EgressOutcome SendToVm(int vm, ReadOnlySpan<byte> frame) => Record(vm, frame);

    private EgressOutcome Record(int port, ReadOnlySpan<byte> frame)
    {
        if (_refusals.TryGetValue(port, out EgressOutcome refusal))
        {
            return refusal;
        }
        Sent.Add((port, frame.ToArray()));
        return EgressOutcome.Sent;
    }
}
