// A rule's actions with every name resolved to an index, as the data path reads them.
namespace Hairpin.Bridge.Core.Acl;

/// <param name="MirrorSession">Index of the session's name in the plan's MirrorSessionNames; -1: none.</param>
internal readonly record struct RuleAction(sbyte TrafficClass, sbyte RemarkPcp, sbyte RemarkDscp, short Meter, short Mirror, short Counter, short MirrorSession = -1)
{
    public static readonly RuleAction None = new(-1, -1, -1, -1, -1, -1, -1);

    // Every field is -1 (all bits set) exactly when the AND of them is: one test on the data path,
    // where the record's generated equality is a call comparing seven fields.
    public bool IsNone => (TrafficClass & RemarkPcp & RemarkDscp & Meter & Mirror & Counter & MirrorSession) == -1;

    /// <summary>Resolves names: each resolver gives -1 for an unknown name, which is an error.</summary>
    public static RuleAction Resolve(AclActions actions, string where, Func<string, int> portIndex, Func<string, int> meterIndex, Func<string, int> counterIndex, Func<string, int>? sessionIndex = null)
    {
        if (actions.IsNone)
        {
            return None;
        }
        string? error = actions.Validate(where).FirstOrDefault();
        if (error is not null)
        {
            throw new ArgumentException(error);
        }
        int meter = actions.Police is string meterName ? meterIndex(meterName) : -1;
        if (actions.Police is not null && meter < 0)
        {
            throw new ArgumentException($"{where}: police names no meter '{actions.Police}'");
        }
        int mirror = actions.Mirror is string portName ? portIndex(portName) : -1;
        if (actions.Mirror is not null && mirror < 0)
        {
            throw new ArgumentException($"{where}: mirror names no port '{actions.Mirror}'");
        }
        int counter = actions.Count is string counterName ? counterIndex(counterName) : -1;
        // Sessions start and stop live, so a name is resolved to a running session per batch (MirrorTaps), not here.
        int session = actions.MirrorSession is string sessionName && sessionIndex is not null ? sessionIndex(sessionName) : -1;
        return new RuleAction((sbyte)(actions.TrafficClass ?? -1), (sbyte)(actions.RemarkPcp ?? -1), (sbyte)(actions.RemarkDscp ?? -1),
            (short)meter, (short)mirror, (short)counter, (short)session);
    }
}
