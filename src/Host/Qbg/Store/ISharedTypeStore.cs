// A VSI store that keeps the site's VSI types (etcd's `types/ID/VERSION`), so an operator's change
// reaches every appliance through it. The embedded store has none: its types are the file's.
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg.Store;

internal interface ISharedTypeStore
{
    /// <summary>Puts the type (replacing that ID and version); every appliance hears it through its watch.</summary>
    Task PutTypeAsync(VsiTypeConfig type, CancellationToken cancel);

    /// <summary>Deletes the type; false when the store had no such type.</summary>
    Task<bool> DeleteTypeAsync(int id, int version, CancellationToken cancel);
}
