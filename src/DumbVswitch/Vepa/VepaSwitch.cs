// The dumb vswitch's data path: Linux macvlan's VEPA mode (drivers/net/macvlan.c) plus access VLANs
// and anti-spoofing. Every VM frame goes to the uplink, never straight to a neighbour; what comes back
// from the uplink goes to the VM owning the destination MAC, or for group addresses to every VM of the
// VLAN except the one whose MAC is the source (macvlan_broadcast's `vlan->dev == src` skip), which is
// how a VM never hears its own broadcast that the adjacent bridge reflected. A VM with a VSI passes
// nothing until the uplink's EVB station has it associated, then uses the VID the bridge gave it.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;

namespace Hairpin.DumbVswitch.Vepa;

/// <summary>
/// Pure VEPA forwarding: no I/O, no threads, no allocation per frame. Not thread-safe: one forwarding
/// thread calls <see cref="FromVm"/>, <see cref="FromUplink"/> and <see cref="SetVsiAccess"/>; other
/// threads may only read counters.
/// </summary>
public sealed class VepaSwitch
{
    /// <summary>Largest frame (without FCS, with tags) any port carries unless told otherwise.</summary>
    public const int DefaultMaxFrameSize = 2048;
    private const int AddressesSize = 12;
    private const int TagSize = EthernetReader.TagSize;
    private const ushort MacControl = 0x8808;        // IEEE 802.3 MAC control (PAUSE)
    private const ulong PauseAddress = 0x0180_C200_0001UL;
    private const ushort ReservedVid = 4095;
    private const ulong NearestCustomerBridge = 0x0180_C200_0000UL;

    private readonly IReadOnlyList<VmConfig> _vms;
    private VepaTables _tables;
    private readonly VepaPortCounters[] _vmCounters;
    private readonly byte[] _scratch;   // a frame being tagged or untagged; rewritten every frame

    /// <param name="vms">The VMs, in port order: VM i of <see cref="FromVm"/> is vms[i].</param>
    /// <param name="maxFrameSize">Largest frame a port carries (the queue slot size).</param>
    /// <param name="evbStation">The uplink is an 802.1Qbg station: VMs may not send to its address, 01-80-C2-00-00-00.</param>
    /// <exception cref="ArgumentException">
    /// Duplicate names, group or zero MACs, two VMs with one MAC in one VLAN (or anywhere, if one has a
    /// VSI), VLANs outside 1..4094.
    /// </exception>
    public VepaSwitch(IReadOnlyList<VmConfig> vms, int maxFrameSize = DefaultMaxFrameSize, bool evbStation = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 64);
        _tables = VepaTables.Build(vms);   // every VSI held until the station says otherwise
        _vms = vms;
        EvbStation = evbStation;
        _vmCounters = [.. vms.Select(vm => new VepaPortCounters(vm.Name))];
        _scratch = new byte[maxFrameSize];
        MaxFrameSize = maxFrameSize;
    }

    public int MaxFrameSize { get; }
    public bool EvbStation { get; }
    public int VmCount => _vmCounters.Length;
    public VepaPortCounters Uplink { get; } = new(VepaTables.UplinkName);
    public IReadOnlyList<VepaPortCounters> Vms => _vmCounters;

    /// <summary>
    /// Where each VM's VSI stands (index = VM; entries of VMs without a VSI are ignored): associated VMs
    /// pass traffic on the VID given, held ones nothing. Between frames, on the forwarding thread.
    /// </summary>
    /// <exception cref="ArgumentException">One entry per VM is needed; VIDs are 0..4094.</exception>
    public void SetVsiAccess(IReadOnlyList<VsiAccess> access)
    {
        ArgumentNullException.ThrowIfNull(access);
        _tables = VepaTables.Build(_vms, access);
    }

    /// <summary>A frame from the uplink handed to the EVB station instead: counted received and trapped.</summary>
    internal void CountTrapped(int size) => Uplink.CountTrapped(size);

    /// <summary>A frame the EVB station sent out of the uplink: the port's tx, like the copies it sends.</summary>
    internal void CountStationSent(int size) => Uplink.CountTx(size);

    /// <summary>A frame VM <paramref name="vm"/> sent: to the uplink (tagged with its access VLAN), or dropped and counted.</summary>
    public void FromVm<TEgress>(int vm, ReadOnlySpan<byte> frame, TEgress egress)
        where TEgress : IVepaEgress
    {
        VepaPortCounters counters = _vmCounters[vm];
        counters.CountRx(frame.Length);
        var ethernet = new EthernetReader(frame);
        if (!ethernet.IsValid || frame.Length > MaxFrameSize)
        {
            counters.CountDrop(VepaDropReason.Malformed);
            return;
        }
        if (_tables.Held[vm])
        {
            counters.CountDrop(VepaDropReason.VsiNotAssociated);
            return;
        }
        if (_tables.AntiSpoofing[vm] && ethernet.Source.Value != _tables.Macs[vm])
        {
            counters.CountDrop(VepaDropReason.SpoofedSource);
            return;
        }
        if (IsPause(ethernet))
        {
            counters.CountDrop(VepaDropReason.PauseFrame);
            return;
        }
        if (EvbStation && ethernet.Destination.Value == NearestCustomerBridge)
        {
            // A VM speaking VDP there could de-associate its neighbours: the station alone has that address.
            counters.CountDrop(VepaDropReason.NearestBridgeAddress);
            return;
        }

        int vid = _tables.VlanOfVm[vm];
        ReadOnlySpan<byte> output = frame;
        if (vid == 0)
        {
            if (CarriesVlan(ethernet))
            {
                counters.CountDrop(VepaDropReason.TaggedFromUntaggedVm);
                return;
            }
        }
        else
        {
            // An access port always pushes its tag, even over a tag the VM wrote itself (as a macvlan
            // over an 802.1Q device would): the VM can only ever reach its own VLAN on the uplink.
            if (frame.Length + TagSize > MaxFrameSize)
            {
                counters.CountDrop(VepaDropReason.TooLargeToTag);
                return;
            }
            output = PushTag(frame, (ushort)vid);
        }

        counters.CountForwarded();
        Count(Uplink, egress.SendToUplink(output), output.Length);
    }

    /// <summary>A frame from the uplink: to the VM(s) of its VLAN (untagged), or dropped and counted.</summary>
    public void FromUplink<TEgress>(ReadOnlySpan<byte> frame, TEgress egress)
        where TEgress : IVepaEgress
    {
        VepaPortCounters uplink = Uplink;
        uplink.CountRx(frame.Length);
        var ethernet = new EthernetReader(frame);
        if (!ethernet.IsValid || frame.Length > MaxFrameSize)
        {
            uplink.CountDrop(VepaDropReason.Malformed);
            return;
        }
        if (IsPause(ethernet))
        {
            uplink.CountDrop(VepaDropReason.PauseFrame);
            return;
        }
        if (_tables.HeldMacs.Count != 0 && !ethernet.Destination.IsGroup && _tables.HeldMacs.Contains(ethernet.Destination.Value))
        {
            uplink.CountDrop(VepaDropReason.VsiNotAssociated);
            return;
        }

        int group;
        ReadOnlySpan<byte> output = frame;
        if (!CarriesVlan(ethernet))
        {
            group = VepaTables.UntaggedGroup;
        }
        else if (ethernet.OuterTagProtocol == EtherTypes.CustomerVlan)
        {
            ushort vid = ethernet.OuterVid;
            if (vid == ReservedVid)
            {
                uplink.CountDrop(VepaDropReason.Malformed);
                return;
            }
            group = _tables.GroupOfVid[vid];
            if (group == VepaTables.NoGroup)
            {
                uplink.CountDrop(VepaDropReason.NoVmInVlan);
                return;
            }
            output = PopTag(frame);
        }
        else
        {
            // An 802.1ad S-tag: no VM has a service VLAN.
            uplink.CountDrop(VepaDropReason.NoVmInVlan);
            return;
        }

        MacAddress destination = ethernet.Destination;
        if (!destination.IsGroup)
        {
            if (!_tables.VmByGroupMac.TryGetValue(VepaTables.Key(group, destination.Value), out int vm))
            {
                uplink.CountDrop(VepaDropReason.UnknownUnicast);
                return;
            }
            uplink.CountForwarded();
            Count(_vmCounters[vm], egress.SendToVm(vm, output), output.Length);
            return;
        }
        Flood(group, ethernet.Source.Value, output, egress);
    }

    private void Flood<TEgress>(int group, ulong source, ReadOnlySpan<byte> frame, TEgress egress)
        where TEgress : IVepaEgress
    {
        int[] members = _tables.Members[group];
        if (members.Length == 0)
        {
            Uplink.CountDrop(VepaDropReason.NoVmInVlan);
            return;
        }
        ulong[] macs = _tables.Macs;
        int offered = 0;
        int copies = 0;
        foreach (int vm in members)
        {
            // No soliloquies: the VM whose MAC sent the frame never gets it back, which is exactly
            // what keeps a reflected broadcast from returning to its sender.
            if (macs[vm] == source)
            {
                continue;
            }
            offered++;
            EgressOutcome outcome = egress.SendToVm(vm, frame);
            if (outcome == EgressOutcome.PortDown)
            {
                continue;   // a VM that is down is not flooded to, and nothing is counted for it
            }
            copies++;
            Count(_vmCounters[vm], outcome, frame.Length);
        }
        if (copies == 0)
        {
            Uplink.CountDrop(offered == 0 ? VepaDropReason.OwnReflection : VepaDropReason.NoVmInVlan);
            return;
        }
        Uplink.CountForwarded();
        Uplink.CountFlooded();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Count(VepaPortCounters port, EgressOutcome outcome, int size)
    {
        switch (outcome)
        {
            case EgressOutcome.Sent:
                port.CountTx(size);
                break;
            case EgressOutcome.QueueFull:
                port.CountEgressDrop(VepaDropReason.QueueFull);
                break;
            case EgressOutcome.PoolExhausted:
                port.CountEgressDrop(VepaDropReason.PoolExhausted);
                break;
            default:
                port.CountEgressDrop(VepaDropReason.PortDown);
                break;
        }
    }

    /// <summary>Tagged for real: an S-tag, or a C-tag with a VID (a priority tag, VID 0, is still untagged in 802.1Q).</summary>
    private static bool CarriesVlan(in EthernetReader ethernet) =>
        ethernet.TagCount > 0 && (ethernet.OuterTagProtocol != EtherTypes.CustomerVlan || ethernet.OuterVid != 0);

    private static bool IsPause(in EthernetReader ethernet) =>
        ethernet.EtherTypeOrLength == MacControl || ethernet.Destination.Value == PauseAddress;

    private ReadOnlySpan<byte> PushTag(ReadOnlySpan<byte> frame, ushort vid)
    {
        Span<byte> tagged = _scratch.AsSpan(0, frame.Length + TagSize);
        frame[..AddressesSize].CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged[AddressesSize..], EtherTypes.CustomerVlan);
        BinaryPrimitives.WriteUInt16BigEndian(tagged[(AddressesSize + 2)..], vid);
        frame[AddressesSize..].CopyTo(tagged[(AddressesSize + TagSize)..]);
        return tagged;
    }

    private ReadOnlySpan<byte> PopTag(ReadOnlySpan<byte> frame)
    {
        Span<byte> untagged = _scratch.AsSpan(0, frame.Length - TagSize);
        frame[..AddressesSize].CopyTo(untagged);
        frame[(AddressesSize + TagSize)..].CopyTo(untagged[AddressesSize..]);
        return untagged;
    }
}
