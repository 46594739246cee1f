// Which VSIs this appliance owns in the VSI store, and the claims in flight. An Associate for a VSI
// this appliance does not hold on that port is answered only once the store has said the VSI is ours
// (a transaction: two appliances never both own it); meanwhile VDP defers the answer and the plane
// replays the request when the claim settles. Pre-Associate never claims: the VM still runs at its
// source until it associates here. Forwarding thread only; the store's tasks come back through `post`.
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg.Store;

namespace Hairpin.Host.Qbg;

internal sealed class VsiOwnership
{
    /// <summary>After another appliance took a VSI, a request for it here without the M hint is a stale keep-alive, not a move back.</summary>
    public static readonly TimeSpan TakenHoldDown = TimeSpan.FromSeconds(2);

    private readonly IVsiStore _store;
    private readonly Action<Action> _post;
    private readonly Action<string> _settled;
    private readonly Dictionary<string, string> _owned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Port, ClaimOutcome Outcome)> _outcomes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unconfirmed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Owner, TimeSpan At)> _takenAway = new(StringComparer.Ordinal);

    /// <param name="post">Runs an action on the forwarding thread later.</param>
    /// <param name="settled">Forwarding thread: the claim of a VSI settled; replay its deferred request.</param>
    public VsiOwnership(IVsiStore store, Action<Action> post, Action<string> settled)
    {
        _store = store;
        _post = post;
        _settled = settled;
    }

    public IVsiStore Store => _store;

    /// <summary>VSIs accepted while the store was away, claimed again once it answers.</summary>
    public IReadOnlyCollection<string> Unconfirmed => _unconfirmed;

    public bool Owns(string vsiId, out string port) => _owned.TryGetValue(vsiId, out port!);

    /// <summary>A VSI restored from the store at start: it was ours when the appliance stopped.</summary>
    public void Restore(string vsiId, string port) => _owned[vsiId] = port;

    /// <summary>
    /// May <paramref name="vsi"/> associate on <paramref name="port"/>? Accepted at once when this
    /// appliance owns it there (or the store answers synchronously); otherwise a claim starts and the
    /// answer is deferred until it settles.
    /// </summary>
    public VsiVerdict Ask(string port, VsiRecord vsi, TimeSpan now, IReadOnlyList<int> vids)
    {
        string id = vsi.IdText;
        if (_outcomes.Remove(id, out (string Port, ClaimOutcome Outcome) settled) && settled.Port == port)
        {
            return Conclude(id, port, settled.Outcome, vids);
        }
        if (_owned.TryGetValue(id, out string? held) && held == port)
        {
            return VsiVerdict.Accept(vids);
        }
        if (_pending.ContainsKey(id))
        {
            return VsiVerdict.Defer($"the claim of VSI {id} is in flight");
        }
        if (_takenAway.TryGetValue(id, out (string Owner, TimeSpan At) taken) && now - taken.At < TakenHoldDown && vsi.Hint != VsiHint.MigratingTo)
        {
            return VsiVerdict.Refuse(VdpError.OtherFailure, $"VSI {id} moved to {taken.Owner} {(now - taken.At).TotalMilliseconds:0} ms ago; a move back carries the M hint");
        }
        Task<ClaimOutcome> claim = Claim(port, vsi);
        if (claim.IsCompleted)
        {
            return Conclude(id, port, Outcome(claim), vids);
        }
        _pending[id] = port;
        claim.ContinueWith(done => _post(() => Settle(id, port, Outcome(done))), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return VsiVerdict.Defer($"claiming VSI {id} in {_store.Describe()}");
    }

    /// <summary>The VSI left this appliance's port by its own decision (de-associated, expired, refused by a reload).</summary>
    public void Release(string vsiId, string port, string reason)
    {
        if (_owned.TryGetValue(vsiId, out string? held) && held == port)
        {
            _owned.Remove(vsiId);
            _unconfirmed.Remove(vsiId);
            _store.Release(vsiId, reason);
        }
    }

    /// <summary>Another appliance claimed the VSI: the port that held it here, if any, to clear.</summary>
    public string? TakenElsewhere(string vsiId, string newOwner, TimeSpan now)
    {
        _takenAway[vsiId] = (newOwner, now);
        _unconfirmed.Remove(vsiId);
        return _owned.Remove(vsiId, out string? port) ? port : null;
    }

    /// <summary>Claims again what was accepted while the store was away (called on the plane's tick).</summary>
    public void Reconfirm(Func<string, (string Port, VsiRecord Vsi)?> held)
    {
        if (_store.Health != StoreHealth.Connected)
        {
            return;
        }
        foreach (string id in _unconfirmed.Where(id => !_pending.ContainsKey(id)).ToList())
        {
            if (held(id) is not (string port, VsiRecord vsi))
            {
                _unconfirmed.Remove(id);
                continue;
            }
            _pending[id] = port;
            Claim(port, vsi).ContinueWith(done => _post(() => Reconfirmed(id, port, Outcome(done))), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Set by the plane: what to do with a VSI a reconfirmation lost (remove it, tell its station).</summary>
    public Action<string, string, string>? Lost { get; set; }

    private Task<ClaimOutcome> Claim(string port, VsiRecord vsi)
    {
        string request = vsi.Request switch
        {
            VdpRequest.Associate => "associate",
            VdpRequest.PreAssociateWithReservation => "pre-associate-rr",
            VdpRequest.PreAssociate => "pre-associate",
            _ => "de-associate",
        } + (vsi.Hint == VsiHint.MigratingTo ? " (M)" : vsi.Hint == VsiHint.MigratingFrom ? " (S)" : "");
        try
        {
            return _store.ClaimAsync(new VsiClaim(port, vsi, request), CancellationToken.None);
        }
#pragma warning disable CA1031 // a store that throws instead of answering must not take the forwarding thread down
        catch (Exception error)
#pragma warning restore CA1031
        {
            return Task.FromResult<ClaimOutcome>(new ClaimOutcome.Unavailable(error.Message));
        }
    }

    private static ClaimOutcome Outcome(Task<ClaimOutcome> done) =>
        done.IsCompletedSuccessfully ? done.Result : new ClaimOutcome.Unavailable(done.Exception?.GetBaseException().Message ?? "the claim was cancelled");

    private void Settle(string id, string port, ClaimOutcome outcome)
    {
        _pending.Remove(id);
        _outcomes[id] = (port, outcome);
        _settled(id);
    }

    private void Reconfirmed(string id, string port, ClaimOutcome outcome)
    {
        _pending.Remove(id);
        switch (outcome)
        {
            case ClaimOutcome.Won:
                _unconfirmed.Remove(id);
                break;
            case ClaimOutcome.Lost lost:
                _unconfirmed.Remove(id);
                _owned.Remove(id);
                Lost?.Invoke(id, port, lost.Reason);
                break;
            default:
                break;   // still away: the next tick tries again
        }
    }

    private VsiVerdict Conclude(string id, string port, ClaimOutcome outcome, IReadOnlyList<int> vids)
    {
        switch (outcome)
        {
            case ClaimOutcome.Won:
                _owned[id] = port;
                _unconfirmed.Remove(id);
                _takenAway.Remove(id);
                return VsiVerdict.Accept(vids);
            case ClaimOutcome.Lost lost:
                return VsiVerdict.Refuse(VdpError.OtherFailure, lost.Reason);
            case ClaimOutcome.Unavailable:
                // The store is away: forwarding goes on, and so do associations (the promise);
                // the claim is made once the store answers, and a VSI that turns out to be elsewhere goes then.
                _owned[id] = port;
                _unconfirmed.Add(id);
                return VsiVerdict.Accept(vids);
            default:
                throw new InvalidOperationException("a claim is won, lost or unavailable");
        }
    }
}
