// The root demo's two config files, written into its temp directory: the dumb vswitch (two VMs on
// afpacket ports behind one afpacket uplink) and the bridge (hv1 towards that uplink, hv2 towards
// host-c), the latter in two versions: as started, and with the ACL that step 3 reloads.
namespace Hairpin.Host.Demo;

internal static class DemoConfigs
{
    public const string AclName = "vm-policy";
    public const string RuleName = "vm-a-not-vm-b";

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

    /// <param name="withAcl">Step 3: hv1 keeps hairpin on in the file (a reload applies the file as a whole) and gains the ACL.</param>
    public static string Bridge(string socket, bool withAcl) =>
        $"""
        # written by `hairpin demo`: the appliance between the hypervisor's uplink (hv1) and host-c (hv2)
        ports:
          - name: {DemoScenario.Uplink}
            attach: {"{"} afpacket: {DemoScenario.Uplink} {"}"}
        {(withAcl ? AclPortLines : "")}  - name: {DemoScenario.Server}
            attach: {"{"} afpacket: {DemoScenario.Server} {"}"}
        {(withAcl ? AclLines : "")}management:
          socket: {socket}

        """;

    /// <summary>What step 3 adds to hv1, as printed to the newcomer.</summary>
    public const string AclPortLines =
        """
            hairpin: true
            ingress_acl: vm-policy

        """;

    /// <summary>The ACL step 3 adds: vm-a may not send to vm-b, everything else passes.</summary>
    public static string AclLines { get; } =
        $"""
        acls:
          - name: {AclName}
            default: permit
            rules:
              - name: {RuleName}
                action: deny
                src_mac: "{DemoScenario.VmA.Mac}"
                dst_mac: "{DemoScenario.VmB.Mac}"

        """;
}
