// A read-only copy of one FDB entry for the control plane (`hairpin fdb show`).
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Fdb;

public readonly record struct FdbEntry(int Vid, MacAddress Mac, int Port, FdbEntryKind Kind, uint LastSeenSecond);
