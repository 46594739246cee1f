// A port's operational link state, beside its configured (admin) PortState: the host says when a port's
// link goes (no carrier, no peer) and comes back, and a port without link is disabled as the Linux
// bridge disables one on carrier loss (br_port_carrier_check -> br_stp_disable_port): it hears nothing,
// gets no flood copy and is no unicast destination (br_forward.c should_deliver), and what it learned
// goes. The state is the engine's, not the configuration's, so a publish neither clears nor needs it.
// It is one more bit in the closed-ports mask every forwarding path already reads: no per-copy cost.
using Hairpin.Bridge.Core.Configuration;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>Ports whose link is down (set by the host); every port's link is up until it says otherwise.</summary>
    private ulong _linkDownPorts;

    /// <summary>
    /// The host's word on <paramref name="port"/>'s link: up (carrier, a peer) or down. Going down, the
    /// port is out of forwarding (as <see cref="PortState.Disabled"/>, with the drop reasons
    /// ingress-link-down and egress-link-down) and loses its learned and sticky FDB entries, as the
    /// Linux bridge flushes a port it disables; the operator's static entries stay, and unicast to them
    /// is dropped while the link is down. Coming up, it forwards again under its configured state.
    /// Kept across publishes; a port index the configuration does not (yet) have keeps its state too.
    /// Forwarding thread only, between batches.
    /// </summary>
    public void SetLinkUp(int port, bool up)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(port, BridgeConfig.MaxPorts);
        ulong bit = 1UL << port;
        bool wasUp = (_linkDownPorts & bit) == 0;
        if (up == wasUp)
        {
            return;
        }
        _linkDownPorts = up ? _linkDownPorts & ~bit : _linkDownPorts | bit;
        RecomputeClosedPorts();
        if (!up)
        {
            _fdb.Flush(port: port);   // learned and sticky entries; the operator's static ones stay
        }
    }

    /// <summary>Whether <paramref name="port"/>'s link is up (true until the host says it went down).</summary>
    public bool IsLinkUp(int port) => (uint)port < BridgeConfig.MaxPorts && (_linkDownPorts & (1UL << port)) == 0;

    /// <summary>Ports whose link is down, as a mask (bit n: port n).</summary>
    public ulong LinkDownPorts => _linkDownPorts;

    /// <summary>
    /// The one mask the forwarding paths read (error-disabled ports, mirror destinations, ports without
    /// link), kept whenever one of them changes.
    /// </summary>
    private void RecomputeClosedPorts() => _closedPorts = _errorDisabledPorts | _mirrorDestinationPorts | _linkDownPorts;
}
