// One port's half of the EVB TLV exchange (802.1Qbg-2012 clause 6.6, as lldpad's lldp_evb22.c plays
// it): from the local settings and the neighbour's last TLV, the TLV to send, whether reflective relay
// is on, and the timers ECP and VDP run with. Pure: the LldpAgent carries the TLVs.
namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <summary>
/// The bridge grants reflective relay (RRCTR) exactly when it can (RRCAP) and the station asks (RRREQ);
/// each side echoes the other's status byte, and the station reports RRSTAT 1 once it sees RRCTR.
/// Not thread-safe: the port's control loop owns it.
/// </summary>
public sealed class EvbNegotiation
{
    public EvbNegotiation(EvbMode role, EvbSettings settings)
    {
        if (role is not (EvbMode.Bridge or EvbMode.Station))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "an EVB port is a bridge or a station");
        }
        Role = role;
        Settings = Checked(settings);
        Update();
    }

    public EvbMode Role { get; }
    public EvbSettings Settings { get; private set; }

    /// <summary>The neighbour's last EVB TLV; null before one is heard or after the neighbour is lost.</summary>
    public EvbTlv? Remote { get; private set; }

    /// <summary>The TLV to send now.</summary>
    public EvbTlv Local { get; private set; }

    /// <summary>Bridge: RRCTR is set (hairpin on for the port). Station: the bridge says RRCTR.</summary>
    public bool ReflectiveRelay { get; private set; }

    /// <summary>max(local, remote) per field; the local timers while no neighbour is heard.</summary>
    public EvbTimers Operational { get; private set; }

    /// <summary>Takes the neighbour's EVB TLV (null: the neighbour is gone or stopped sending it). True if <see cref="Local"/> changed.</summary>
    public bool OnRemote(EvbTlv? remote)
    {
        Remote = remote;
        return Update();
    }

    /// <summary>New local settings. True if <see cref="Local"/> changed.</summary>
    public bool Reconfigure(EvbSettings settings)
    {
        Settings = Checked(settings);
        return Update();
    }

    private bool Update()
    {
        EvbTimers mine = Settings.Timers;
        EvbTimers operational = Remote is { } heard ? EvbTimers.Max(mine, heard.Timers) : mine;
        var local = new EvbTlv
        {
            R = (byte)operational.R,
            Rte = (byte)operational.Rte,
            Mode = Role,
            // ROL: the value sent is the neighbour's (it was at least ours), as lldpad marks it.
            RwdRol = Remote is { } forRwd && forRwd.Rwd >= mine.Rwd,
            Rwd = (byte)operational.Rwd,
            RkaRol = Remote is { } forRka && forRka.Rka >= mine.Rka,
            Rka = (byte)operational.Rka,
        };
        if (Role == EvbMode.Bridge)
        {
            local = local with
            {
                Bgid = Settings.GroupIds,
                Rrcap = Settings.ReflectiveRelay,
                Rrctr = Settings.ReflectiveRelay && Remote is { Rrreq: true },
                Sgid = Remote?.Sgid ?? false,
                Rrreq = Remote?.Rrreq ?? false,
                Rrstat = Remote?.Rrstat ?? ReflectiveRelayStatus.NotEnabled,
            };
            ReflectiveRelay = local.Rrctr;
        }
        else
        {
            local = local with
            {
                Bgid = Remote?.Bgid ?? false,
                Rrcap = Remote?.Rrcap ?? false,
                Rrctr = Remote?.Rrctr ?? false,
                Sgid = Settings.GroupIds,
                Rrreq = Settings.ReflectiveRelay,
                Rrstat = Remote switch
                {
                    null => ReflectiveRelayStatus.Unknown,
                    { Rrctr: true } => ReflectiveRelayStatus.Enabled,
                    _ => ReflectiveRelayStatus.NotEnabled,
                },
            };
            ReflectiveRelay = Remote is { Rrctr: true };
        }
        Operational = operational;
        bool changed = local != Local;
        Local = local;
        return changed;
    }

    private static EvbSettings Checked(EvbSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Timers.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Timers,
                $"EVB timers: R is 0..{EvbTimers.MaxR}, RTE, RWD and RKA are 0..{EvbTimers.MaxExponent}");
        }
        return settings;
    }
}
