// Where a mirroring session sends its copies, as NX-OS names them: a bridge port (SPAN: the frame as
// it was), a VLAN on a trunk port (RSPAN: the frame tagged with the RSPAN VLAN instead of its own), an
// ERSPAN tunnel to a collector sent from a port, or a capture ring the host drains into pcapng files.
using Hairpin.Bridge.Core.Capture;

namespace Hairpin.Bridge.Core.Mirroring;

public abstract record MirrorDestination
{
    private protected MirrorDestination()
    {
    }

    /// <summary>The port copies leave by; -1 for a capture ring.</summary>
    public abstract int Port { get; }
}

/// <summary>SPAN: each copy leaves <paramref name="DestinationPort"/> exactly as it was mirrored.</summary>
public sealed record SpanDestination(int DestinationPort) : MirrorDestination
{
    public override int Port => DestinationPort;
}

/// <summary>RSPAN: each copy leaves <paramref name="DestinationPort"/> tagged with <paramref name="Vid"/> (its own tag, if any, replaced; its PCP kept).</summary>
public sealed record RspanDestination(int DestinationPort, int Vid) : MirrorDestination
{
    public override int Port => DestinationPort;
}

/// <summary>ERSPAN: each copy leaves <paramref name="DestinationPort"/> wrapped for <paramref name="Tunnel"/>'s collector.</summary>
public sealed record ErspanDestination(int DestinationPort, ErspanTunnel Tunnel) : MirrorDestination
{
    public override int Port => DestinationPort;
}

/// <summary>A capture ring: copies go into <paramref name="Ring"/> (its selector is not used) for the host to write to files.</summary>
public sealed record RingDestination(CaptureSession Ring) : MirrorDestination
{
    public override int Port => -1;
}
