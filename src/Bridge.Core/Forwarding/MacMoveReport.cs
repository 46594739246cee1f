// What the control plane is told when MAC move damping fires: enough to find the loop.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

/// <param name="PinnedPort">Where the MAC is kept.</param>
/// <param name="OffendingPort">Where it kept showing up; nothing is learned from there until the hold ends.</param>
public readonly record struct MacMoveReport(int Vid, MacAddress Mac, int PinnedPort, int OffendingPort, uint Second);
