// What the control plane is told when a probe comes home: a loop from SentPort back to ReceivedPort
// (the same port when a neighbour reflects, e.g. two hairpin ports facing each other).
namespace Hairpin.Bridge.Core.Forwarding;

/// <param name="ReceivedPort">The port now error-disabled.</param>
public readonly record struct LoopReport(int SentPort, int ReceivedPort, uint Second);
