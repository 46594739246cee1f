// The demo's config files: the dumb vswitch (two VMs on afpacket ports behind one afpacket uplink) and
// the bridge (hv1 towards that uplink, hv2 towards host-c), the latter in two versions: as started, and
// with the VM isolation policy that the last step loads. The in-process story parses the same text, so
// both paths show one policy.
namespace Hairpin.Host.Demo;

internal static class DemoConfigs
{
    public const string VmAPolicy = "vm-a-policy";
    public const string VmBPolicy = "vm-b-policy";

    public static string DumbVswitch(string socket) =>
        $"""
        # written by `hairpin demo`: the hypervisor's VEPA vswitch, every VM frame goes up the uplink
        uplink: {"{"} afpacket: uplink {"}"}
        vms:
          - name: {DemoScenario.VmA.Name}
            mac: "{DemoScenario.VmA.Mac}"
            attach: {"{"} afpacket: vma {"}"}
          - name: {DemoScenario.VmB.Name}
            mac: "{DemoScenario.VmB.Mac}"
            attach: {"{"} afpacket: vmb {"}"}
        management:
          socket: {socket}

        """;

    /// <param name="withPolicy">The last step: hv1 keeps hairpin on in the file (a reload applies the file as a whole) and gains the isolation policy.</param>
    public static string Bridge(string socket, bool withPolicy) =>
        $"""
        # written by `hairpin demo`: the appliance between the hypervisor's uplink (hv1) and host-c (hv2)
        ports:
          - name: {DemoScenario.Uplink}
            attach: {"{"} afpacket: {DemoScenario.Uplink} {"}"}
        {(withPolicy ? PolicyPortLines : "")}  - name: {DemoScenario.Server}
            attach: {"{"} afpacket: {DemoScenario.Server} {"}"}
        {(withPolicy ? PolicyLines : "")}management:
          socket: {socket}

        """;

    /// <summary>What the policy adds to hv1: only the two announced VMs may send through it.</summary>
    public static string PolicyPortLines { get; } =
        $"""
            hairpin: true
            port_security: {"{"} max_macs: 2, allowed_macs: ["{DemoScenario.VmA.Mac}", "{DemoScenario.VmB.Mac}"] {"}"}

        """;

    /// <summary>
    /// The isolation policy: an ACL bound to each VM (by port and MAC) denying the other VM's IP address,
    /// whatever the destination MAC. A rule on the MAC pair would let vm-a reach vm-b through a frame to
    /// the broadcast or a multicast MAC carrying vm-b's IP: the reflected copy reaches every VM behind hv1.
    /// </summary>
    public static string PolicyLines { get; } =
        $"""
        acls:
          - name: {VmAPolicy}
            default: permit
            rules:
              - {"{"} name: not-to-vm-b, action: deny, dst_ip: {DemoScenario.VmB.IpText}/32 {"}"}   # IPv4 to vm-b and ARP for vm-b, any MAC
          - name: {VmBPolicy}
            default: permit
            rules:
              - {"{"} name: not-to-vm-a, action: deny, dst_ip: {DemoScenario.VmA.IpText}/32 {"}"}
        vm_acls:
          - {"{"} port: {DemoScenario.Uplink}, mac: "{DemoScenario.VmA.Mac}", acl: {VmAPolicy} {"}"}
          - {"{"} port: {DemoScenario.Uplink}, mac: "{DemoScenario.VmB.Mac}", acl: {VmBPolicy} {"}"}

        """;
}
