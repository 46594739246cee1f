// A policer that follows a VM: a meter bound to a MAC (in a VLAN) behind a port, applied to frames
// from that VM.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Configuration;

/// <param name="Vid">0 means the port's PVID.</param>
public sealed record VmPolicerBinding(string Port, MacAddress Mac, string Meter, int Vid = 0);
