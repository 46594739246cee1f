// The transport factory the runtime tests inject: one MemoryTransport per attachment, kept by
// attachment so a test can reach the transport of any port.
using System.Collections.Concurrent;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class MemoryTransports
{
    private readonly ConcurrentDictionary<AttachSpec, MemoryTransport> _made = new();

    /// <summary>Attachments whose transport returns at once, as a broken one would.</summary>
    public HashSet<AttachSpec> Quitting { get; } = [];

    public IPortTransport Create(AttachSpec attach) =>
        _made.GetOrAdd(attach, a => new MemoryTransport(a) { QuitAtOnce = Quitting.Contains(a) });

    public MemoryTransport this[AttachSpec attach] => _made[attach];

    public IEnumerable<MemoryTransport> All => _made.Values;
}
