// 802.1Qbg VSIs when a configuration takes effect: each binding's (MAC, VID) pinned to its port as a
// static FDB entry, and each VSI's counters carried over by VSIID. The per-frame half is
// BridgeEngine.Vsi.cs.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    // VSIID -> counters, for the engine's whole life: a VSI de-associated and associated again
    // continues its counts. Written by the forwarding thread only, and then replaced whole (never
    // changed in place), so a reader on any thread can look up or list it without a lock.
    private Dictionary<string, VsiCounters> _vsiCounters = new(StringComparer.Ordinal);

    /// <summary>
    /// The counters of the VSI <paramref name="vsi"/> (its VSIID as bound), or null when no
    /// configuration has ever bound it. Kept after the VSI goes. Threading: as <see cref="Counters"/>.
    /// </summary>
    public VsiCounters? VsiCounters(string vsi) => Volatile.Read(ref _vsiCounters).GetValueOrDefault(vsi);

    /// <summary>Every VSI ever bound, with its counters, by VSIID (ordinal order). Any thread.</summary>
    public IReadOnlyList<(string Vsi, VsiCounters Counters)> AllVsiCounters() =>
        [.. Volatile.Read(ref _vsiCounters).OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value))];

    /// <summary>
    /// Adds <paramref name="counts"/> to the counters of VSI <paramref name="vsi"/>: what an appliance
    /// counted before it restarted (its store's segment), so after restore and traffic
    /// <c>VsiCounters(vsi).Snapshot()</c> is exactly restored + counted. A VSI the running plan binds
    /// gets them in the counters that plan counts into; one never bound gets counters now, kept under its
    /// VSIID, which the next plan that binds it adopts. Counts that fail
    /// <see cref="VsiCountersSnapshot.Validate"/> throw <see cref="ArgumentException"/> and change nothing.
    /// Threading: the forwarding thread only, between batches (as <see cref="SweepFdb"/>); an appliance
    /// restores its segments before forwarding starts.
    /// </summary>
    public void RestoreVsiCounters(string vsi, VsiCountersSnapshot counts)
    {
        ArgumentException.ThrowIfNullOrEmpty(vsi);
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Validate() is string invalid)
        {
            throw new ArgumentException($"VSI {vsi}: cannot restore its counters: {invalid}", nameof(counts));
        }
        Dictionary<string, VsiCounters> kept = _vsiCounters;
        if (!kept.TryGetValue(vsi, out VsiCounters? counters))
        {
            // Every VSI of the running plan is in the dictionary (AdoptVsiCounters), so this one is bound
            // by none yet: copy on write, as AdoptVsiCounters does, for readers on other threads.
            counters = new VsiCounters();
            Volatile.Write(ref _vsiCounters, new Dictionary<string, VsiCounters>(kept, StringComparer.Ordinal) { [vsi] = counters });
        }
        counters.Add(counts);
    }

    /// <summary>The plan's VSIs get the counters kept under their VSIID; new VSIIDs keep the plan's fresh ones from now on.</summary>
    private void AdoptVsiCounters(ForwardingPlan next)
    {
        Dictionary<string, VsiCounters> kept = _vsiCounters;
        Dictionary<string, VsiCounters>? grown = null;
        for (int i = 0; i < next.VsiNames.Length; i++)
        {
            if (kept.TryGetValue(next.VsiNames[i], out VsiCounters? counters))
            {
                next.VsiCounters[i] = counters;
            }
            else
            {
                (grown ??= new Dictionary<string, VsiCounters>(kept, StringComparer.Ordinal))[next.VsiNames[i]] = next.VsiCounters[i];
            }
        }
        if (grown is not null)
        {
            Volatile.Write(ref _vsiCounters, grown);
        }
    }

    /// <summary>
    /// Pins every VSI binding's (MAC, VID) to its port as a static entry, so traffic to the VM goes
    /// there at once and no other port can learn its MAC (static entries never move). A binding that
    /// went away loses its entry, if the entry is still its own (static, on that port); entries of
    /// unchanged bindings are left alone; the port's other entries, static or not, are not touched.
    /// Runs after <see cref="InstallSecureMacs"/>, whose flush of a changed port would take VSI entries.
    /// </summary>
    private void InstallVsiBindings(ForwardingPlan? previous, ForwardingPlan next)
    {
        for (int port = 0; previous is not null && port < previous.PortCount; port++)
        {
            foreach (VsiBinding gone in previous.Config.Ports[port].Vsi.Bindings.Where(binding => !binding.IsVlanWide))
            {
                bool stays = port < next.PortCount && next.VsiBindings[port]?.ContainsKey(VidMacKey.Of(gone.Vid, gone.Mac)) == true;
                if (!stays && _fdb.Lookup(gone.Vid, gone.Mac) == port && _fdb.KindOf(gone.Vid, gone.Mac) == FdbEntryKind.Static)
                {
                    _fdb.Remove(gone.Vid, gone.Mac);
                }
            }
        }
        uint now = CurrentSecond();
        for (int port = 0; port < next.PortCount; port++)
        {
            foreach (VsiBinding binding in next.Config.Ports[port].Vsi.Bindings)
            {
                if (binding.IsVlanWide)
                {
                    continue;   // no MAC to pin: its VMs are learned as usual
                }
                if (_fdb.Lookup(binding.Vid, binding.Mac) != port || _fdb.KindOf(binding.Vid, binding.Mac) != FdbEntryKind.Static)
                {
                    // Replaces a learned entry (the VM sent before it was associated, here or elsewhere).
                    // False only when the static table is full: the MAC is then learned as usual.
                    _fdb.AddPermanent(binding.Vid, binding.Mac, port, FdbEntryKind.Static, now);
                }
            }
        }
    }
}
