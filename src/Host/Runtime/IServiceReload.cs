// The settings around the engine (management socket, metrics endpoint) as a reload sees them: what
// cannot change while running is kept as it runs and named in a note, the rest is made ready to go
// live with the engine's publish. The appliance implements it; a reload without one changes the
// engine alone.
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Runtime;

public interface IServiceReload
{
    /// <summary>
    /// <paramref name="loaded"/> with what needs a restart put back as <paramref name="running"/> has
    /// it, and one note per such setting ("management.socket: needs a restart; ...").
    /// </summary>
    (HostConfig Next, IReadOnlyList<string> Notes) KeepWhatNeedsARestart(HostConfig running, HostConfig loaded);

    /// <summary>Readies the changed settings (the fallible part); throws a ManagementException naming the setting when one cannot change, and then nothing did.</summary>
    PreparedChange Prepare(HostConfig running, HostConfig loaded);
}
