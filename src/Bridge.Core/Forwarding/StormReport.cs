// Storm control started dropping on Port: floods of one kind (Reason: storm-broadcast,
// storm-multicast, storm-unknown-unicast) arrived above the port's limit (packets per second) in
// Second. At most one per port per second, so a storm is a few log lines, not millions.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Forwarding;

public readonly record struct StormReport(int Port, DropReason Reason, long LimitPps, uint Second);
