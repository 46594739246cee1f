// VM lists and frames for the tests: three untagged VMs and two in VLAN 10 unless a test says otherwise.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal static class TestVms
{
    public static readonly MacAddress Mac1 = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly MacAddress Mac2 = MacAddress.Parse("02:00:00:00:00:02");
    public static readonly MacAddress Mac3 = MacAddress.Parse("02:00:00:00:00:03");
    public static readonly MacAddress Mac10A = MacAddress.Parse("02:00:00:00:10:0a");
    public static readonly MacAddress Mac10B = MacAddress.Parse("02:00:00:00:10:0b");
    public static readonly MacAddress Outside = MacAddress.Parse("02:00:00:00:ff:01");

    // Port indices of Standard().
    public const int Vm1 = 0;
    public const int Vm2 = 1;
    public const int Vm3 = 2;
    public const int Vm10A = 3;
    public const int Vm10B = 4;

    public static VmConfig Vm(string name, MacAddress mac, int? vlan = null, bool antiSpoofing = true, VsiConfig? vsi = null) =>
        new(name, mac, new StreamAttach($"/tmp/{name}.sock", Listen: true), vlan, antiSpoofing, vsi);

    /// <summary>A VSI of type <paramref name="type"/> (the test bridge's policy: 42 on VLAN 10, 7 on VLAN 20, others refused).</summary>
    public static VsiConfig Vsi(int type = 42, string uuid = "a1412857-60f7-4ce1-e95a-2164943f53aa") =>
        new(type, 1, Guid.Parse(uuid), "mgr1");

    public static IReadOnlyList<VmConfig> Standard(bool antiSpoofing = true) =>
    [
        Vm("vm1", Mac1, antiSpoofing: antiSpoofing),
        Vm("vm2", Mac2, antiSpoofing: antiSpoofing),
        Vm("vm3", Mac3, antiSpoofing: antiSpoofing),
        Vm("vm10a", Mac10A, vlan: 10, antiSpoofing: antiSpoofing),
        Vm("vm10b", Mac10B, vlan: 10, antiSpoofing: antiSpoofing),
    ];

    public static byte[] Frame(MacAddress from, MacAddress to, int? vlan = null)
    {
        var builder = new FrameBuilder().From(from).To(to).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 1000, 2000);
        if (vlan is int vid)
        {
            builder.Tag(vid);
        }
        return builder.Build();
    }
}
