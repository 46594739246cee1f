// The plane's side of the VSI store: what each VDP decision writes there (claims are made by the
// policy, see VsiOwnership), the deferred requests replayed when their claim settles, a VSI another
// appliance took, and the associations an appliance restores when it starts again.
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg.Store;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg;

internal sealed partial class QbgPlane
{
    private static readonly TimeSpan ReconfirmPeriod = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, (int Port, VdpMessage Request)> _deferred = new(StringComparer.Ordinal);
    private TimeSpan _lastReconfirm;

    /// <summary>The store this plane owns its VSIs in; null without one.</summary>
    public IVsiStore? Store => _ownership?.Store;

    /// <summary>Reads a VSI's counters as this engine counted them (set by the runtime), for the segment published at a move.</summary>
    public Func<string, Bridge.Core.Counters.VsiCountersSnapshot?> LocalCounters { get; set; } = _ => null;

    /// <summary>
    /// At start, before forwarding: the VSIs this appliance held when it stopped are held again on
    /// their ports, so their VMs pass at once; their stations' next keep-alive refreshes them (or they
    /// expire as usual). A VSI whose port no longer runs `evb:` is released.
    /// </summary>
    public void Restore(IReadOnlyList<OwnedVsi> owned, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(owned);
        foreach (OwnedVsi vsi in owned)
        {
            int port = Array.IndexOf(_names, vsi.Port);
            string reason = $"port {vsi.Port} no longer runs evb:";
            if (port < 0 || _ports[port] is not EvbBridgePort evb || !evb.Vdp.Restore(vsi.Vsi, now, out reason))
            {
                _ownership?.Store.Release(vsi.Vsi.IdText, "not restored: " + reason);
                LogNotRestored(vsi.Vsi.IdText, vsi.Port, reason);
                continue;
            }
            _ownership?.Restore(vsi.Vsi.IdText, vsi.Port);
            LogRestored(vsi.Vsi.IdText, vsi.Port);
        }
        PublishIfChanged(force: true);
    }

    /// <summary>Any thread: what the store reports; handled on the forwarding thread through <paramref name="post"/>.</summary>
    public void OnStoreEvent(VsiStoreEvent change, Action<Action> post)
    {
        ArgumentNullException.ThrowIfNull(post);
        if (change is VsiStoreEvent.TakenElsewhere taken)
        {
            post(() =>
            {
                if (_ownership?.TakenElsewhere(taken.VsiId, taken.NewOwner, _now()) is string port)
                {
                    Leave(taken.VsiId, port, "moved to " + taken.NewOwner);
                }
            });
        }
    }

    /// <summary>What a VDP decision changes in the store (the claim itself was the policy's).</summary>
    private void Record(int port, VsiDecision decision)
    {
        if (_ownership is null)
        {
            return;
        }
        string id = decision.Vsi.IdText;
        switch (decision.Kind)
        {
            case VsiDecisionKind.Deferred when decision.Request is VdpMessage request:
                _deferred[id] = (port, request);
                break;
            case VsiDecisionKind.Changed when _ownership.Owns(id, out string held) && held == _names[port] && decision.Vsi.State == VsiState.Associated:
                _ownership.Store.Update(_names[port], decision.Vsi);
                break;
            case VsiDecisionKind.Deassociated:
                _ownership.Release(id, _names[port], "de-associated by its station");
                PublishSegment(id);
                break;
            case VsiDecisionKind.Expired:
                _ownership.Release(id, _names[port], "expired: no keep-alive");
                PublishSegment(id);
                break;
            default:
                break;
        }
    }

    /// <summary>Forwarding thread: a claim settled; its deferred request is answered now, under the claim's outcome.</summary>
    private void ReplayDeferred(string vsiId)
    {
        if (!_deferred.Remove(vsiId, out (int Port, VdpMessage Request) deferred) || _ports[deferred.Port] is not EvbBridgePort evb)
        {
            return;
        }
        TimeSpan now = _now();
        _lastNow = now;
        _frames.Clear();
        _decisions.Clear();
        evb.Replay(deferred.Request, now, _frames, _decisions);
        Finish(deferred.Port);
    }

    /// <summary>A VSI accepted while the store was away turned out to be another appliance's: it goes here.</summary>
    private void DropLostClaim(string vsiId, string port, string reason) => Leave(vsiId, port, reason);

    /// <summary>
    /// The VSI is no longer this appliance's: its port lets it go and tells its station, the overlay
    /// drops its bindings at once, and its counter segment is published as it stands.
    /// </summary>
    private void Leave(string vsiId, string portName, string reason)
    {
        bool removed = false;
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port] is not EvbBridgePort evb || _names[port] != portName)
            {
                continue;
            }
            foreach (VsiRecord vsi in evb.Vdp.Vsis.Where(vsi => vsi.IdText == vsiId && vsi.State == VsiState.Associated).ToList())
            {
                evb.Vdp.Remove(vsi.Id);
                evb.Link.Send(VdpBridge.DeassociateNotice(vsi));
                _frames.Clear();
                evb.Link.Tick(_now(), _frames);
                Send(port);
                LogLeft(vsiId, _names[port], reason);
                removed = true;
            }
        }
        if (removed)
        {
            PublishIfChanged(force: true);
        }
        PublishSegment(vsiId);
    }

    private void PublishSegment(string vsiId)
    {
        if (_ownership is not null && LocalCounters(vsiId) is { } counters)
        {
            _ownership.Store.PublishCounters([new VsiSegment(vsiId, counters)]);
        }
    }

    private void ReconfirmIfDue(TimeSpan now)
    {
        if (_ownership is null || _ownership.Unconfirmed.Count == 0 || now - _lastReconfirm < ReconfirmPeriod)
        {
            return;
        }
        _lastReconfirm = now;
        _ownership.Reconfirm(id =>
        {
            for (int port = 0; port < _ports.Length; port++)
            {
                if (_ports[port] is EvbBridgePort evb && evb.Vdp.Vsis.FirstOrDefault(vsi => vsi.IdText == id) is VsiRecord vsi)
                {
                    return (_names[port], vsi);
                }
            }
            return null;
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI {Vsi} restored on port {Port} from the store (its station's next keep-alive refreshes it)")]
    private partial void LogRestored(string vsi, string port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI {Vsi} not restored on port {Port}: {Reason}")]
    private partial void LogNotRestored(string vsi, string port, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI {Vsi} left port {Port}: {Reason}")]
    private partial void LogLeft(string vsi, string port, string reason);
}
