// The demo's config files: the dumb vswitch (two VMs on afpacket ports behind one afpacket uplink, each
// announced by its VSI), the move's destination hypervisor (a second dumb vswitch with vm-a's copy, same
// VSI) and the bridge (hv1 an 802.1Qbg bridge port towards the first uplink, hv2 towards host-c, hv3
// towards the second uplink, agg an MVRP trunk up to the aggregation appliance), the latter in two
// versions: as started (hairpin pinned off, VSI types without policy), and with each type's policy,
// which the policy step loads; and the aggregation appliance (that trunk's other end and host-d's access
// port). The in-process story parses the same texts (the bridge's with hv3 and agg, and the
// aggregation's), so both paths show one configuration.
namespace Hairpin.Host.Demo;

internal static class DemoConfigs
{
    public const string VmAPolicy = "type-42-policy";
    public const string VmBPolicy = "type-43-policy";

    /// <summary>The VLAN both VSI types put their VMs in, and host-c's access VLAN.</summary>
    public const int Vlan = 10;

    /// <summary>The bridge port of the move's destination hypervisor.</summary>
    public const string DestinationUplink = "hv3";

    /// <summary>The bridge's MVRP trunk up to the aggregation appliance.</summary>
    public const string AggregationUplink = "agg";

    /// <summary>The aggregation appliance's end of that trunk, towards the access bridge below (not `down` or `br`: `ip link set` reads those as keywords).</summary>
    public const string AggregationDownlink = "acc";

    /// <summary>host-d's access port on the aggregation appliance.</summary>
    public const string HostDPort = "hostd";

    /// <summary>A host behind the aggregation appliance, in VLAN 10 (root lab only).</summary>
    public static DemoHost HostD { get; } = DemoHost.Create("host-d", "52:54:00:00:00:0d", "169.254.0.13", HostDPort);

    public static string DumbVswitch(string socket) =>
        $"""
        # written by `hairpin demo`: the hypervisor's VEPA vswitch, every VM frame goes up the uplink; its
        # uplink is an 802.1Qbg station (implied by vsi:) that announces each VM to the bridge (VDP)
        uplink: {"{"} afpacket: uplink {"}"}
        vms:
        {VmLines(DemoScenario.VsiA, "vma")}{VmLines(DemoScenario.VsiB, "vmb")}management:
          socket: {socket}

        """;

    /// <summary>
    /// The move's destination: vm-a configured with the same VSI (UUID, type) and MAC as on the first
    /// hypervisor, as a migration recreates it; announced only once its port comes up.
    /// </summary>
    public static string DestinationVswitch(string socket) =>
        $"""
        # written by `hairpin demo`: the migration's destination hypervisor; vm-a's port is down until the
        # VM arrives, and its station announces vm-a (the same VSI) only while that port is up
        uplink: {"{"} afpacket: uplink {"}"}
        vms:
        {VmLines(DemoScenario.VsiA, "vma")}management:
          socket: {socket}

        """;

    private static string VmLines(DemoVsi vsi, string attach) =>
        $"""
          - name: {vsi.Vm.Name}
            mac: "{vsi.Vm.Mac}"
            attach: {"{"} afpacket: {attach} {"}"}
            vsi: {"{"} type: {vsi.Type}, version: {vsi.Version}, uuid: {vsi.Uuid}, manager: {vsi.Manager} {"}"}   # no vlan: the bridge assigns it

        """;

    /// <param name="withPolicy">The third step: each VSI type gains its ACL, and hv1 no longer pins its hairpin (a reload applies the file as a whole).</param>
    /// <param name="withDestination">The root lab: hv3 towards the move's destination hypervisor.</param>
    /// <param name="withAggregation">The root lab: agg, the MVRP trunk up to the aggregation appliance.</param>
    public static string Bridge(string socket, bool withPolicy, bool withDestination = false, bool withAggregation = false) =>
        $"""
        # written by `hairpin demo`: the appliance between the hypervisor's uplink (hv1) and host-c (hv2)
        ports:
        {UplinkLines(withPolicy)}  - name: {DemoScenario.Server}
            attach: {"{"} afpacket: {DemoScenario.Server} {"}"}
            vlan: {Vlan}                    # host-c: an access port of VLAN {Vlan}
        {(withDestination ? DestinationLines : "")}{(withAggregation ? AggregationLines : "")}{(withPolicy ? PolicyLines : "")}{VsiTypeLines(withPolicy)}management:
          socket: {socket}

        """;

    /// <summary>hv1: the 802.1Qbg bridge role; at the start its hairpin is pinned off whatever the station asks.</summary>
    public static string UplinkLines(bool withPolicy) =>
        $"""
          - name: {DemoScenario.Uplink}
            attach: {"{"} afpacket: {DemoScenario.Uplink} {"}"}
            evb: bridge                 # LLDP + EVB + ECP + VDP with the dumb vswitch's station
        {(withPolicy ? "" : "    hairpin: false              # pinned off (without this line: auto, as negotiated)\n")}
        """;

    /// <summary>hv3: the second hypervisor's uplink, an 802.1Qbg bridge port too (hairpin auto).</summary>
    public static string DestinationLines { get; } =
        $"""
          - name: {DestinationUplink}
            attach: {"{"} afpacket: {DestinationUplink} {"}"}
            evb: bridge                 # the move's destination hypervisor: vm-a arrives here

        """;

    /// <summary>
    /// agg: a trunk to the aggregation appliance with VLAN 1 alone configured; MVRP declares up it the
    /// VLANs of the VSIs associated on the bridge's evb ports, and the VLANs the aggregation declares
    /// down it (registered here) join it too, so a VLAN crosses only while someone on either side needs it.
    /// </summary>
    public static string AggregationLines { get; } =
        $"""
          - name: {AggregationUplink}
            attach: {"{"} afpacket: {AggregationUplink} {"}"}
            vlan: {"{"} trunk: "1", native: 1 {"}"}   # no VLAN {Vlan} typed in: MVRP brings it while a VM needs it
            mvrp: true                  # declares the VLANs of the VSIs associated here (VDP), registers the aggregation's
            bpdu_guard: false           # a link between switches, not a host port

        """;

    /// <summary>
    /// The aggregation appliance: the other end of the bridge's agg trunk (MVRP, VLAN 1 alone configured)
    /// and host-d's access port in VLAN 10, which declare_static declares down the trunk, so that the
    /// bridge below carries VLAN 10 back towards the VMs too.
    /// </summary>
    public static string Aggregation(string socket) =>
        $"""
        # written by `hairpin demo`: the aggregation appliance above the bridge: a trunk down to it and host-d
        ports:
          - name: {AggregationDownlink}
            attach: {"{"} afpacket: {AggregationDownlink} {"}"}
            vlan: {"{"} trunk: "1", native: 1 {"}"}   # no VLAN {Vlan} typed in: registered while the bridge below declares it
            mvrp: true
            bpdu_guard: false           # a link between switches, not a host port
          - name: {HostDPort}
            attach: {"{"} afpacket: {HostDPort} {"}"}
            vlan: {Vlan}                    # host-d: an access port of VLAN {Vlan}
        mvrp: {"{"} declare_static: true {"}"}   # also declare host-d's VLAN down the trunk: the way back to the VMs
        management:
          socket: {socket}

        """;

    /// <summary>The port profiles: the VSI type a station names decides the VM's VLAN and, once loaded, its ACL.</summary>
    public static string VsiTypeLines(bool withPolicy) =>
        $"""
        vsi_types:
          - {"{"} id: {DemoScenario.VsiA.Type}, version: {DemoScenario.VsiA.Version}, vlan: {Vlan}{(withPolicy ? $", acl: {VmAPolicy}" : "")} {"}"}   # vm-a's type
          - {"{"} id: {DemoScenario.VsiB.Type}, version: {DemoScenario.VsiB.Version}, vlan: {Vlan}{(withPolicy ? $", acl: {VmBPolicy}" : "")} {"}"}   # vm-b's type

        """;

    /// <summary>
    /// The isolation policy: each type's ACL, bound to every VM of that type, denies the other VM's IP
    /// address whatever the destination MAC. A rule on the MAC pair would let vm-a reach vm-b through a
    /// frame to the broadcast or a multicast MAC carrying vm-b's IP: the reflected copy reaches every VM
    /// behind hv1.
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

        """;
}
