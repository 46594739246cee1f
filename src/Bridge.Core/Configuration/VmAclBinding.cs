// Policy that follows a VM, not a cable: an ACL bound to a MAC (in a VLAN) behind a port, applied to
// frames from that VM (ingress) and to frames for it (egress on that port).
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Configuration;

/// <param name="Vid">0 means the port's PVID.</param>
public sealed record VmAclBinding(string Port, MacAddress Mac, string Acl, int Vid = 0);
