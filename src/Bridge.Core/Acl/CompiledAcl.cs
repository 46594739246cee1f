// An ACL compiled for lookup by tuple space search (OVS lib/classifier.h): one hash table per
// distinct mask ("subtable"), each holding the masked values of the rules that use that mask and the
// earliest such rule per value. Subtables are visited in order of the earliest rule they hold, and
// the search stops as soon as no remaining subtable can beat the best match found, so the cost is
// set by the number of distinct masks, not rules. An exact-match cache in front answers repeated
// flows with one probe. Built off the data path; lookups never lock and never allocate.
// Single writer: the forwarding thread (the cache and counters are written by lookups).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hairpin.Bridge.Core.Acl;

public sealed class CompiledAcl
{
    private const int CacheSize = 4096;

    private sealed class Subtable(FlowKey mask)
    {
        public FlowKey Mask = mask;
        public int EarliestRule = int.MaxValue;
        public readonly Dictionary<FlowKey, int> Rules = [];   // while compiling
        public readonly SubtableIndex Index = new(mask);        // for lookups
    }

    private struct CacheEntry
    {
        public FlowKey Key;
        public int Rule;      // -1: the default verdict
        public bool Used;
    }

    private readonly Subtable[] _subtables;
    private readonly AclVerdict[] _verdicts;
    private readonly RuleAction[] _actions;   // per rule, then the default's (none)
    private readonly long[] _hits;            // per rule, then the default's: frames at 2i, bytes at 2i + 1 (one bounds check, one line)
    private readonly int[] _decisions;        // per rule, then the default's: DecisionOf, packed for the policy fast path
    private readonly CacheEntry[] _cache = new CacheEntry[CacheSize];

    private CompiledAcl(AccessList acl, Subtable[] subtables, RuleAction[] actions, IReadOnlyList<string> warnings)
    {
        Acl = acl;
        _subtables = subtables;
        _actions = actions;
        HasActions = actions.Any(action => !action.IsNone);
        _verdicts = acl.Rules.Select(rule => rule.Verdict).ToArray();
        _hits = new long[2 * (acl.Rules.Count + 1)];
        _decisions = new int[acl.Rules.Count + 1];
        for (int decided = 0; decided < _decisions.Length; decided++)
        {
            _decisions[decided] = PackDecision(VerdictOf(decided), actions[decided]);
        }
        Warnings = warnings;
    }

    public AccessList Acl { get; }

    /// <summary>The policy fast path's cache by header bytes, for an ACL that filters a port's ingress (made when the plan is: see <see cref="WithHeaderCache"/>).</summary>
    internal HeaderFlowCache? HeaderCache { get; private set; }

    /// <summary>
    /// This ACL, with its <see cref="HeaderCache"/> made if it has none (a port's ingress ACL, off the
    /// data path). Where 256-bit vectors are emulated in software the cache would cost more than the
    /// flow key it saves, so there is none and the policy fast path goes frame by frame.
    /// </summary>
    internal CompiledAcl WithHeaderCache()
    {
        if (Vector256.IsHardwareAccelerated)
        {
            HeaderCache ??= new HeaderFlowCache(this);
        }
        return this;
    }
    /// <summary>Some permitting rule does more than permit (set class, remark, police, mirror, count).</summary>
    public bool HasActions { get; }
    public int SubtableCount => _subtables.Length;
    /// <summary>Rules that can never match, or that an earlier rule always matches first.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Frames and bytes matched by rule <paramref name="rule"/>; index Rules.Count is the default verdict.</summary>
    public long HitFrames(int rule) => _hits[2 * rule];
    public long HitBytes(int rule) => _hits[(2 * rule) + 1];

    /// <summary>Compiles; <paramref name="portIndex"/> resolves port names (-1: no such port, an error).</summary>
    public static CompiledAcl Compile(AccessList acl, Func<string, int> portIndex) =>
        Compile(acl, portIndex, static _ => -1, static _ => -1);

    /// <summary>Compiles, resolving port, meter and counter names (a resolver's -1 for a port or meter is an error).</summary>
    public static CompiledAcl Compile(AccessList acl, Func<string, int> portIndex, Func<string, int> meterIndex, Func<string, int> counterIndex, Func<string, int>? sessionIndex = null) =>
        Compile(acl, portIndex, ResolveActions(acl, portIndex, meterIndex, counterIndex, sessionIndex));

    /// <summary>
    /// <paramref name="kept"/> itself when <paramref name="acl"/> is the same list (name, rules in order,
    /// default) and its actions resolve to the same meters, ports, sessions and counters: its hit
    /// counters and caches then go on across a publish. Otherwise a fresh compile. The caller vouches
    /// that port indexes name the same ports as when <paramref name="kept"/> was compiled.
    /// </summary>
    internal static CompiledAcl CompileOrKeep(CompiledAcl? kept, AccessList acl, Func<string, int> portIndex, Func<string, int> meterIndex, Func<string, int> counterIndex, Func<string, int>? sessionIndex)
    {
        RuleAction[] actions = ResolveActions(acl, portIndex, meterIndex, counterIndex, sessionIndex);
        bool same = kept is not null
            && kept.Acl.Name == acl.Name
            && kept.Acl.DefaultVerdict == acl.DefaultVerdict
            && kept.Acl.Rules.SequenceEqual(acl.Rules)
            && kept._actions.AsSpan().SequenceEqual(actions);
        return same ? kept! : Compile(acl, portIndex, actions);
    }

    /// <summary>Each rule's action with its names resolved (a deny's is none), then the default's (none).</summary>
    private static RuleAction[] ResolveActions(AccessList acl, Func<string, int> portIndex, Func<string, int> meterIndex, Func<string, int> counterIndex, Func<string, int>? sessionIndex)
    {
        var actions = new RuleAction[acl.Rules.Count + 1];
        actions[^1] = RuleAction.None;
        for (int index = 0; index < acl.Rules.Count; index++)
        {
            AclRule rule = acl.Rules[index];
            actions[index] = rule.Verdict == AclVerdict.Permit
                ? RuleAction.Resolve(rule.Actions, $"acl {acl.Name} rule {index + 1} ({rule.Name})", portIndex, meterIndex, counterIndex, sessionIndex)
                : RuleAction.None;
        }
        return actions;
    }

    private static CompiledAcl Compile(AccessList acl, Func<string, int> portIndex, RuleAction[] actions)
    {
        var warnings = new List<string>();
        var subtables = new Dictionary<FlowKey, Subtable>();
        for (int index = 0; index < acl.Rules.Count; index++)
        {
            AclRule rule = acl.Rules[index];
            string where = $"acl {acl.Name} rule {index + 1} ({rule.Name})";
            if (AclTuples.Contradiction(rule.Match) is string why)
            {
                warnings.Add($"{where} can never match: {why}");
                continue;
            }
            int ingress = -1;
            if (rule.Match.IngressPort is string portName && (ingress = portIndex(portName)) < 0)
            {
                throw new ArgumentException($"{where}: no port named '{portName}'");
            }
            var tuples = AclTuples.Expand(rule.Match, ingress);
            if (ShadowedBy(subtables.Values, tuples) is int earlier)
            {
                warnings.Add($"{where} is shadowed by rule {earlier + 1} ({acl.Rules[earlier].Name}): it can never match first");
            }
            foreach ((FlowKey value, FlowKey mask) in tuples)
            {
                if (!subtables.TryGetValue(mask, out Subtable? subtable))
                {
                    subtables[mask] = subtable = new Subtable(mask);
                }
                subtable.Rules.TryAdd(value, index);   // an earlier rule with the same masked value wins
                subtable.EarliestRule = Math.Min(subtable.EarliestRule, index);
            }
        }
        Subtable[] ordered = [.. subtables.Values.OrderBy(subtable => subtable.EarliestRule)];
        foreach (Subtable subtable in ordered)
        {
            subtable.Index.Build(subtable.Rules.Select(entry => (entry.Key, entry.Value)));
        }
        return new CompiledAcl(acl, ordered, actions, warnings);
    }

    /// <summary>The latest of the earlier rules that cover every tuple, if each tuple is covered.</summary>
    private static int? ShadowedBy(IEnumerable<Subtable> subtables, List<(FlowKey Value, FlowKey Mask)> tuples)
    {
        int latestCover = -1;
        foreach ((FlowKey value, FlowKey mask) in tuples)
        {
            int cover = int.MaxValue;
            foreach (Subtable subtable in subtables)
            {
                if (subtable.Mask.IsSubsetOf(mask) && subtable.Rules.TryGetValue(value & subtable.Mask, out int rule))
                {
                    cover = Math.Min(cover, rule);
                }
            }
            if (cover == int.MaxValue)
            {
                return null;
            }
            latestCover = Math.Max(latestCover, cover);
        }
        return latestCover;
    }

    /// <summary>The verdict for a flow, counting the hit on the rule that decided it.</summary>
    internal AclVerdict Evaluate(in FlowKey key, int frameBytes) => VerdictOf(Decide(key, frameBytes));

    /// <summary>The deciding rule for a flow (Rules.Count: the default), its hit counted.</summary>
    internal int Decide(in FlowKey key, int frameBytes) => Decide(key, FlowKey.HashOf(in key), frameBytes);

    /// <summary>The same, given the key's hash (FlowKey.HashOf).</summary>
    internal int Decide(in FlowKey key, int hash, int frameBytes)
    {
        int rule = Lookup(key, hash);
        int decided = rule < 0 ? _decisions.Length - 1 : rule;
        ref long hits = ref _hits[2 * decided];
        hits++;
        Unsafe.Add(ref hits, 1) += frameBytes;   // in bounds: the array holds a pair per decision
        return decided;
    }

    /// <summary>
    /// Decide's deciding rule for a flow given its hash, with no hit counted (the cache filled as Decide
    /// fills it, which changes no answer): the policy fast path's run looks before it commits a frame,
    /// and counts the hit with <see cref="CountHit"/> when it does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Find(in FlowKey key, int hash)
    {
        int rule = Lookup(key, hash);
        return rule < 0 ? _decisions.Length - 1 : rule;
    }

    /// <summary>Decide's count of a frame of <paramref name="frameBytes"/> on the rule it found.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CountHit(int decided, int frameBytes)
    {
        ref long hits = ref _hits[2 * decided];
        hits++;
        Unsafe.Add(ref hits, 1) += frameBytes;   // in bounds: the array holds a pair per decision
    }

    /// <summary>Whether <paramref name="decided"/> (from <see cref="Decide"/>) is a rule, not the default verdict.</summary>
    internal bool IsRule(int decided) => decided < _verdicts.Length;

    internal AclVerdict VerdictOf(int decided) => decided < _verdicts.Length ? _verdicts[decided] : Acl.DefaultVerdict;

    internal RuleAction ActionOf(int decided) => _actions[decided];

    /// <summary>
    /// What <paramref name="decided"/> means to the policy fast path, in one int: negative for a deny;
    /// else <see cref="DecisionNone"/> for a plain permit, <see cref="DecisionMore"/> set when its
    /// action does more than set a class and police (count, mirror, remark: read ActionOf), and the
    /// class (low byte, sbyte) and meter (next 16 bits, short) otherwise.
    /// </summary>
    internal int DecisionOf(int decided) => _decisions[decided];

    internal const int DecisionDeny = int.MinValue;
    internal const int DecisionMore = 1 << 30;
    internal const int DecisionNone = 1 << 29;

    private static int PackDecision(AclVerdict verdict, RuleAction action)
    {
        if (verdict == AclVerdict.Deny)
        {
            return DecisionDeny;
        }
        if (action.IsNone)
        {
            return DecisionNone;
        }
        int more = (action.Counter & action.Mirror & action.MirrorSession & action.RemarkPcp & action.RemarkDscp) != -1 ? DecisionMore : 0;
        return more | ((ushort)action.Meter << 8) | (byte)action.TrafficClass;
    }

    /// <summary>
    /// The deciding rule for a flow (Rules.Count: the default) with no side effect at all: no hit
    /// counted and the exact-match cache neither read nor filled, so `hairpin trace` leaves the ACL
    /// exactly as it found it.
    /// </summary>
    internal int Peek(in FlowKey key)
    {
        int rule = Search(key);
        return rule < 0 ? _decisions.Length - 1 : rule;
    }

    /// <summary>The index of the first rule matching <paramref name="key"/>, or -1.</summary>
    internal int Lookup(in FlowKey key) => Lookup(key, FlowKey.HashOf(in key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Lookup(in FlowKey key, int hash)
    {
        ref CacheEntry cached = ref _cache[hash & (CacheSize - 1)];
        if (cached.Used && FlowKey.Same(in cached.Key, in key))
        {
            return cached.Rule;
        }
        return SearchAndCache(ref cached, key);
    }

    /// <summary>A flow the cache does not hold: searched, and cached in its slot.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int SearchAndCache(ref CacheEntry cached, in FlowKey key)
    {
        int result = Search(key);
        cached.Key = key;
        cached.Rule = result;
        cached.Used = true;
        return result;
    }

    /// <summary>The tuple space search behind the cache: the first matching rule, or -1.</summary>
    private int Search(in FlowKey key)
    {
        int best = int.MaxValue;
        foreach (Subtable subtable in _subtables)
        {
            if (subtable.EarliestRule >= best)
            {
                break;   // ordered by earliest rule: nothing further can win
            }
            int rule = subtable.Index.Find(key);
            if (rule >= 0 && rule < best)
            {
                best = rule;
            }
        }
        return best == int.MaxValue ? -1 : best;
    }
}
