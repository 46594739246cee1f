// A change outside the engine (a config file rewritten, the socket's group, the metrics listener)
// made ready before a publish and then committed or abandoned with it, so that a live change stands
// or falls as one: the fallible work happens while preparing, and nothing is in force until commit.
namespace Hairpin.Host.Runtime;

public sealed class PreparedChange(Action commit, Action abandon)
{
    public static PreparedChange None { get; } = new(() => { }, () => { });

    /// <summary>Puts the change in force; called once the engine has accepted the publish.</summary>
    public void Commit() => commit();

    /// <summary>Undoes what preparing did; called when the publish (or a later commit) failed.</summary>
    public void Abandon() => abandon();

    /// <summary>Several changes as one: committed in order, abandoned in reverse. Only the last may fail to commit (it alone can be abandoned after the others were committed).</summary>
    public static PreparedChange All(IReadOnlyList<PreparedChange> changes) => changes.Count switch
    {
        0 => None,
        1 => changes[0],
        _ => new PreparedChange(
            () =>
            {
                foreach (PreparedChange change in changes)
                {
                    change.Commit();
                }
            },
            () =>
            {
                for (int i = changes.Count - 1; i >= 0; i--)
                {
                    changes[i].Abandon();
                }
            }),
    };
}
