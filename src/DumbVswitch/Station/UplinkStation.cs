// The uplink's 802.1Qbg station in the running vswitch (what lldpad is for libvirt): an EvbStationPort
// fed the uplink's LLDP and ECP frames, ticked by its deadlines, asked to associate each VM's VSI while
// the VM's port is up. It tells the VEPA switch which VMs may pass traffic and on which VID, and
// publishes a snapshot for management. On the way out it de-associates everything and says goodbye.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.DumbVswitch.Station;

/// <summary>
/// Owned by the forwarding thread: only it calls <see cref="Receive"/>, <see cref="Poll"/> and the
/// leaving methods, which also change the switch's VSI tables (between frames). Any thread may read
/// <see cref="Snapshot"/> and <see cref="Now"/>.
/// </summary>
public sealed class UplinkStation
{
    /// <summary>How soon a VM's port going up or down is noticed (link states are polled, not signalled).</summary>
    public static readonly TimeSpan LinkPollInterval = TimeSpan.FromMilliseconds(250);

    private readonly EvbStationPort _port;
    private readonly VepaSwitch _switch;
    private readonly PortQueues _uplink;
    private readonly IReadOnlyList<PortQueues> _vmPorts;
    private readonly IReadOnlyList<VmConfig> _vms;
    private readonly VsiRequestSpec?[] _specs;
    private readonly bool[] _wanted;
    private readonly VsiAccess[] _access;
    private readonly VmVsiStatus?[] _status;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly ILogger _logger;
    private readonly List<byte[]> _transmit = [];
    private (long Vdp, int Lldp, bool Heard) _published = (-1, -1, false);
    private bool _leaving;
    private StationSnapshot _snapshot;

    /// <param name="vmPorts">The VMs' ports, in configuration order: a VSI is asked for while its port is up.</param>
    public UplinkStation(StationConfig config, MacAddress mac, IReadOnlyList<VmConfig> vms, VepaSwitch vepa,
        PortQueues uplink, IReadOnlyList<PortQueues> vmPorts, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vms);
        ArgumentNullException.ThrowIfNull(time);
        _port = new EvbStationPort(mac, new EvbSettings
        {
            Timers = new EvbTimers(config.MaxRetries, config.RetransmitExponent, config.ResourceWaitExponent, config.KeepAliveExponent),
        });
        _switch = vepa;
        _uplink = uplink;
        _vmPorts = vmPorts;
        _vms = vms;
        _specs = [.. vms.Select(Spec)];
        _wanted = new bool[vms.Count];
        _access = new VsiAccess[vms.Count];
        _status = new VmVsiStatus?[vms.Count];
        _time = time;
        _start = time.GetTimestamp();
        _logger = logger;
        Mac = mac;
        _snapshot = Take(TimeSpan.Zero);
    }

    public MacAddress Mac { get; }

    /// <summary>Station time: since the station was made. Any thread.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_start);

    /// <summary>The station as of its last change. Any thread.</summary>
    public StationSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>While leaving: De-Associates are still unanswered (and the uplink is up, and a bridge there to answer them).</summary>
    public bool Leaving => _leaving && _uplink.IsUp && _port.BridgeHeard && _port.Vdp.Vsis.Count > 0;

    /// <summary>LLDP or ECP to 01-80-C2-00-00-00: the station's, never a VM's. Allocates nothing.</summary>
    public static bool IsControlFrame(ReadOnlySpan<byte> frame) =>
        ControlFrame.TryRead(frame, out _, out ushort etherType, out _) && etherType is EtherTypes.Lldp or EtherTypes.Ecp;

    /// <summary>How long the forwarding loop may sleep before the station has work (or link states are due a look).</summary>
    public TimeSpan WaitTime()
    {
        TimeSpan until = _port.NextDeadline - Now;
        return until <= TimeSpan.Zero ? TimeSpan.Zero : until < LinkPollInterval ? until : LinkPollInterval;
    }

    /// <summary>A control frame from the uplink (see <see cref="IsControlFrame"/>).</summary>
    public void Receive(ReadOnlySpan<byte> frame)
    {
        TimeSpan now = Now;
        _port.Receive(frame, now, _transmit);
        Send();
        Publish(now);
    }

    /// <summary>
    /// Follows the VMs' ports, runs the timers that are due, and republishes what changed. Cheap when
    /// nothing is due. While the uplink is down the station waits: what it sent would be lost, and its
    /// first LLDP then goes out as soon as the link is up rather than 30 s later.
    /// </summary>
    public void Poll()
    {
        TimeSpan now = Now;
        bool asked = FollowVmPorts();
        if (_uplink.IsUp && (asked || now >= _port.NextDeadline))
        {
            _port.Tick(now, _transmit);
            Send();
        }
        Publish(now);
    }

    /// <summary>Withdraws every VSI; the De-Associates leave now. Keep polling while <see cref="Leaving"/>, then <see cref="Goodbye"/>.</summary>
    public void BeginLeaving()
    {
        _leaving = true;
        Poll();
    }

    /// <summary>The LLDP shutdown PDU (TTL 0): the bridge forgets this station, and drops relay, at once.</summary>
    public void Goodbye()
    {
        _transmit.Add(_port.Shutdown());
        Send();
    }

    private bool FollowVmPorts()
    {
        bool asked = false;
        for (int vm = 0; vm < _specs.Length; vm++)
        {
            if (_specs[vm] is not VsiRequestSpec spec)
            {
                continue;
            }
            bool wanted = !_leaving && _vmPorts[vm].IsUp;
            if (wanted == _wanted[vm])
            {
                continue;
            }
            _wanted[vm] = wanted;
            asked = true;
            if (wanted)
            {
                _port.Vdp.Associate(spec);
            }
            else
            {
                _port.Vdp.Deassociate(spec.Id);
            }
        }
        return asked;
    }

    private void Send()
    {
        foreach (byte[] frame in _transmit)
        {
            _uplink.Send(frame);   // a link that is down counts it (tx-link-down); ECP resends what matters
            _switch.CountStationSent(frame.Length);
        }
        _transmit.Clear();
    }

    /// <summary>When the station's state moved: new VSI tables for the switch (if access changed) and a new snapshot.</summary>
    private void Publish(TimeSpan now)
    {
        // Associate and Deassociate move the VDP version too, so a VM port going up or down is in it.
        var version = (_port.Vdp.Version, _port.Link.Lldp.StateVersion, _port.BridgeHeard);
        if (version == _published)
        {
            return;
        }
        if (version.BridgeHeard != _published.Heard || _port.ReflectiveRelay != _snapshot.ReflectiveRelay)
        {
            StationLog.BridgeChanged(_logger, version.BridgeHeard, _port.ReflectiveRelay);
        }
        _published = version;
        bool accessChanged = false;
        for (int vm = 0; vm < _specs.Length; vm++)
        {
            if (_specs[vm] is not VsiRequestSpec spec)
            {
                continue;
            }
            VmVsiStatus status = Status(vm, spec, now);
            VsiAccess access = status.Associated ? new VsiAccess(true, status.Vid) : VsiAccess.Held;
            if (access != _access[vm])
            {
                _access[vm] = access;
                accessChanged = true;
            }
            if (_status[vm] is not { } before || before.State != status.State || before.Reason != status.Reason || before.Vid != status.Vid)
            {
                StationLog.VsiChanged(_logger, status.VmName, KebabState(status.State), status.Vid, status.Reason ?? "");
            }
            _status[vm] = status;
        }
        if (accessChanged)
        {
            _switch.SetVsiAccess(_access);   // before anyone can act on the answer: the VM's next frame passes
        }
        Volatile.Write(ref _snapshot, Take(now));
    }

    private VmVsiStatus Status(int vm, VsiRequestSpec spec, TimeSpan now)
    {
        VmVsiStatus? before = _status[vm];
        (VmVsiState state, int vid, string? reason, TimeSpan? answered) = Current(vm, spec);
        TimeSpan since = before is not null && before.State == state ? before.Since : now;
        return new VmVsiStatus(vm, _vms[vm].Name, spec, state, vid, reason, since, answered);
    }

    private (VmVsiState State, int Vid, string? Reason, TimeSpan? Answered) Current(int vm, VsiRequestSpec spec)
    {
        if (!_wanted[vm] && !_port.Vdp.TryGet(spec.Id, out _))
        {
            return (VmVsiState.Inactive, 0, _leaving ? "the vswitch is stopping" : "the VM's port is down", null);
        }
        if (!_port.Vdp.TryGet(spec.Id, out StationVsi? vsi))
        {
            return (VmVsiState.Pending, 0, "not yet asked for", null);
        }
        if (vsi.State == StationVsiState.Deassociating)
        {
            return (VmVsiState.Deassociating, 0, "de-associating", vsi.LastAnswerAt);
        }
        if (!_port.BridgeHeard)
        {
            return (VmVsiState.Pending, 0, "no bridge heard on the uplink yet (no EVB TLV in its LLDP)", vsi.LastAnswerAt);
        }
        VmVsiState state = vsi.State switch
        {
            StationVsiState.Associated => VmVsiState.Associated,
            StationVsiState.PreAssociated => VmVsiState.PreAssociated,
            StationVsiState.Refused => VmVsiState.Refused,
            StationVsiState.Deassociated => VmVsiState.Deassociated,
            StationVsiState.TimedOut => VmVsiState.TimedOut,
            _ => VmVsiState.Pending,
        };
        string? reason = vsi.Reason.Length != 0 ? vsi.Reason : state switch
        {
            VmVsiState.Pending => "waiting for the bridge's answer",
            VmVsiState.PreAssociated => "pre-associated only: no traffic until associated",
            _ => null,
        };
        return (state, state == VmVsiState.Associated ? vsi.Vid : 0, reason, vsi.LastAnswerAt);
    }

    private StationSnapshot Take(TimeSpan now) => new(
        Mac,
        _port.Link.Lldp.Neighbor,
        _port.BridgeHeard,
        _port.ReflectiveRelay,
        _port.Link.Evb.Local,
        _port.Link.Operational,
        [.. Enumerable.Range(0, _specs.Length).Where(vm => _specs[vm] is not null)
            .Select(vm => _status[vm] ?? new VmVsiStatus(vm, _vms[vm].Name, _specs[vm]!, VmVsiState.Inactive, 0, "the VM's port is down", now, null))]);

    public static string KebabState(VmVsiState state) => Hairpin.Bridge.Core.Counters.KebabNames.Of(state);

    private static VsiRequestSpec? Spec(VmConfig vm) => vm.Vsi is VsiConfig vsi
        ? new VsiRequestSpec(VdpManagerId.FromText(vsi.Manager), (uint)vsi.TypeId, (byte)vsi.TypeVersion, VsiId.FromUuid(vsi.Uuid), vm.Mac, vm.Vlan ?? 0)
        : null;
}
