// A bounced frame caught by the ping-pong guard on Port: the neighbour there reflects too.
namespace Hairpin.Bridge.Core.Forwarding;

public readonly record struct PingPongReport(int Port, uint Second);
