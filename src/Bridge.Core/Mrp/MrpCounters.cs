// What one port's MVRP participant has sent and heard: messages (one per MRPDU's MVRP message),
// LeaveAlls, attribute events by kind, and declarations its registrar would not take.
namespace Hairpin.Bridge.Core.Mrp;

public sealed class MrpCounters
{
    private readonly long[] _eventsReceived = new long[(int)MrpAttributeEvent.Lv + 1];
    private readonly long[] _eventsSent = new long[(int)MrpAttributeEvent.Lv + 1];

    public MrpCounters()
    {
        EventsReceived = Array.AsReadOnly(_eventsReceived);
        EventsSent = Array.AsReadOnly(_eventsSent);
    }

    public long MessagesReceived { get; internal set; }
    public long MessagesSent { get; internal set; }
    public long LeaveAllReceived { get; internal set; }
    public long LeaveAllSent { get; internal set; }

    /// <summary>Received attribute events, indexed by <see cref="MrpAttributeEvent"/> (VIDs outside 1..4094 not counted).</summary>
    public IReadOnlyList<long> EventsReceived { get; }

    /// <summary>Sent attribute events, indexed by <see cref="MrpAttributeEvent"/>.</summary>
    public IReadOnlyList<long> EventsSent { get; }

    /// <summary>Declarations of an unregistered VID refused because the port's dynamic VID limit was reached.</summary>
    public long RegistrationsRefused { get; internal set; }

    /// <summary>Declarations the registrar's mode does not register: every one on a Forbidden port, those of non-fixed VIDs on a Fixed port.</summary>
    public long DeclarationsIgnored { get; internal set; }

    internal void CountReceived(MrpAttributeEvent attributeEvent) => _eventsReceived[(int)attributeEvent]++;

    internal void CountSent(MrpAttributeEvent attributeEvent) => _eventsSent[(int)attributeEvent]++;

    public override string ToString() =>
        $"messages rx {MessagesReceived} tx {MessagesSent} leave-all rx {LeaveAllReceived} tx {LeaveAllSent} " +
        $"events rx [{string.Join(' ', _eventsReceived)}] tx [{string.Join(' ', _eventsSent)}] refused {RegistrationsRefused} ignored {DeclarationsIgnored}";
}
